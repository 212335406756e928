/**
 * Agent sessions as turn tables: the model, file readers and writers (Parquet, JSONL, CSV), importers of public
 * traces and the synthetic workload generator. Entry point: {@link io.agentload.trajectory.Trajectories}.
 */
package io.agentload.trajectory;
