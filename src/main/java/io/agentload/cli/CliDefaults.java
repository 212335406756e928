package io.agentload.cli;

/**
 * The defaults that options print in their help, as text: annotations need constants. Each is the library's own
 * default written out ({@code SloTier.defaults()}, the facades' window), and {@code CliDefaultsTest} keeps them equal.
 */
final class CliDefaults {

    /** {@code SloTier.defaults()}. */
    static final String TIERS = "20,60,100";
    /** The measurement window that {@code Simulation} and {@code Replay} use unless told otherwise. */
    static final String WINDOW = "10m";

    private CliDefaults() {
    }
}
