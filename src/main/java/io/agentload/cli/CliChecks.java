package io.agentload.cli;

import io.agentload.trajectory.Trajectories;
import io.agentload.trajectory.TrajectoryException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

import java.nio.file.Path;

/** Usage checks shared by commands: they fail before any work starts, as bad usage (exit code 2). */
final class CliChecks {

    private CliChecks() {
    }

    /** An output file must name a trajectory format, so a long job does not fail at its very end. */
    static void trajectoryFileName(CommandSpec spec, Path file) {
        try {
            Trajectories.checkFormat(file);
        } catch (TrajectoryException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
