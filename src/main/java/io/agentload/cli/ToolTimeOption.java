package io.agentload.cli;

import io.agentload.trajectory.WorkloadShape.ToolTimes;
import picocli.CommandLine.Option;

/** {@code --tool-time}: where the agents' tool times come from, shared by {@code replay} and {@code bench}. */
final class ToolTimeOption {

    @Option(names = "--tool-time", paramLabel = "SOURCE", converter = ToolTimeConverter.class,
            defaultValue = "recorded",
            description = "the agents' tool times: recorded (default: the trajectories'), generated (the long tail "
                    + "of builds and tests, drawn per session and turn from --seed; WorkloadShape.longTailToolTimeMs) "
                    + "or fixed:DURATION (e.g. fixed:5s)")
    ToolTimes toolTimes;
}
