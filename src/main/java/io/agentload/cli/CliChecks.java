package io.agentload.cli;

import io.agentload.trajectory.Trajectories;
import io.agentload.trajectory.TrajectoryException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

import java.nio.file.Path;
import java.util.Collection;

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

    /** Resuming takes every setting from the run folder: any option but {@code allowed} is bad usage. */
    static void onlyWhenResuming(CommandSpec spec, Path resume, Collection<String> allowed) {
        for (var option : spec.commandLine().getParseResult().matchedOptions()) {
            if (!allowed.contains(option.longestName())) {
                throw new ParameterException(spec.commandLine(), option.longestName() + " cannot be changed when "
                        + "resuming: " + resume + "/run.json holds the run's settings");
            }
        }
    }
}
