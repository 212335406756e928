/**
 * Agent sessions as turn tables: the model, file readers and writers (Parquet, JSONL, CSV), importers of public
 * traces and the synthetic workload generator. Entry point: {@link io.agentload.trajectory.Trajectories}.
 */
@NullMarked
package io.agentload.trajectory;

import org.jspecify.annotations.NullMarked;
