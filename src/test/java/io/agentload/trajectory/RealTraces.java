package io.agentload.trajectory;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/** The public traces under {@code shared/data/real} next to the checkout; tests that need them skip when absent. */
final class RealTraces {

    private RealTraces() {
    }

    /** {@code shared/data/real/<relative>}, found in the working directory's parents, or the test is skipped. */
    static Path path(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve("shared/data/real").resolve(relative);
            if (Files.exists(p)) return p;
        }
        return Assumptions.abort("shared/data/real/" + relative + " is not next to this checkout");
    }
}
