package io.agentload.power;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code nvidia-smi --query-gpu=index,power.draw.average,power.draw.instant --format=csv,noheader,nounits},
 * one line per GPU, e.g. {@code 0, 297.37, 307.72}, and the legacy form {@code index,power.draw}.
 *
 * <p>{@code power.draw.average} (drivers from about R530, Ampere and newer except GA100) is the board's mean draw
 * over the last second; {@code power.draw.instant} is the latest instantaneous reading and is used only where the
 * average is {@code [N/A]} (on A100, for example). Drivers that predate both fields reject the query with
 * {@code Field "power.draw.average" is not a valid field to query.} and exit with 2; the sampler then asks for
 * {@code power.draw}, which is a one-second average on Ampere and newer and instantaneous before. Values nvidia-smi
 * cannot give are printed as {@code [N/A]}, {@code N/A}, {@code [Not Supported]}, {@code [Unknown Error]} and the
 * like: such a GPU gets a row without watts for that poll.
 */
final class NvidiaSmiCsv {

    static final String QUERY = "index,power.draw.average,power.draw.instant";
    static final String LEGACY_QUERY = "index,power.draw";

    private NvidiaSmiCsv() {
    }

    /** Whether nvidia-smi's output says it does not know a queried field. */
    static boolean rejectsQuery(String output) {
        return output.contains("is not a valid field to query");
    }

    static List<Poller.Reading> parse(String output, boolean legacy) {
        int fields = legacy ? 2 : 3;
        List<Poller.Reading> readings = new ArrayList<>();
        String[] lines = output.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) continue;
            String[] f = line.split(",", -1);
            if (f.length != fields) {
                throw new PowerException("nvidia-smi line " + (i + 1) + " '" + line + "': expected " + fields
                        + " fields (" + (legacy ? LEGACY_QUERY : QUERY) + "), found " + f.length);
            }
            String index = f[0].strip();
            if (!index.matches("\\d+")) {
                throw new PowerException("nvidia-smi line " + (i + 1) + " '" + line + "': GPU index '" + index + "' is not a number");
            }
            double watts = value(f[1], i, line);
            if (Double.isNaN(watts) && !legacy) watts = value(f[2], i, line);
            readings.add(Poller.Reading.watts("gpu" + index, watts));
        }
        if (readings.isEmpty()) throw new PowerException("nvidia-smi printed no GPU lines");
        return readings;
    }

    private static double value(String field, int lineIndex, String line) {
        String v = field.strip();
        if (v.isEmpty() || v.startsWith("[") || v.equalsIgnoreCase("N/A")) return Double.NaN;
        try {
            double w = Double.parseDouble(v);
            if (w >= 0 && Double.isFinite(w)) return w;
        } catch (NumberFormatException ignored) {
            // reported below with the line
        }
        throw new PowerException("nvidia-smi line " + (lineIndex + 1) + " '" + line + "': '" + v + "' is not a power in W");
    }
}
