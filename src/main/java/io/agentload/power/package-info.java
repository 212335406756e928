/**
 * Power measurement: sources ({@code nvidia-smi}, DCGM exporter, Redfish, a constant, the simulator's model), a
 * sampler that polls one on its own thread, {@code power.parquet}, and the normalisation of samples into mean power,
 * energy, coverage and Agents per Megawatt over a measurement window. Entry points: {@link io.agentload.power.Power}
 * and {@link io.agentload.power.PowerSampler}.
 */
@NullMarked
package io.agentload.power;

import org.jspecify.annotations.NullMarked;
