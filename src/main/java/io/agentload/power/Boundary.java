package io.agentload.power;

import java.util.Locale;

/**
 * What a power figure includes: the GPUs only, a whole node (GPUs, CPUs, memory, NICs, fans, power-supply losses) or
 * a whole rack (nodes, switches, power shelves). Every sample and every summary carries its boundary, so figures of
 * different boundaries are never added or compared by accident.
 */
public enum Boundary {
    GPU, NODE, RACK;

    /** The lower-case name used in specs and files: {@code gpu}, {@code node}, {@code rack}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code gpu}, {@code node} or {@code rack} (any case). */
    public static Boundary of(String label) {
        for (Boundary b : values()) {
            if (b.label().equalsIgnoreCase(label.strip())) return b;
        }
        throw new PowerException("unknown power boundary '" + label + "' (expected gpu, node or rack)");
    }
}
