package io.agentload.power;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads GPU power from a dcgm-exporter scrape (Prometheus text format 0.0.4): the {@code DCGM_FI_DEV_POWER_USAGE}
 * gauge (W) and, where exported, the {@code DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION} counter (mJ since the driver
 * loaded), per GPU by its {@code gpu} label, e.g.
 * {@code DCGM_FI_DEV_POWER_USAGE{gpu="0",UUID="GPU-...",device="nvidia0",modelName="NVIDIA H100 80GB HBM3",Hostname="node-a"} 409.692}.
 *
 * <p>Series of a MIG instance (with a {@code GPU_I_ID} label) are skipped, since power is a property of the
 * physical GPU, and so are repeats of a GPU's series that differ only in pod labels. Only lines of these two
 * metrics are parsed; the rest of the scrape is not looked at.
 */
final class DcgmMetrics {

    static final String POWER = "DCGM_FI_DEV_POWER_USAGE";
    static final String ENERGY = "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION";

    private DcgmMetrics() {
    }

    static List<Poller.Reading> parse(String scrape, String where) {
        Set<String> devices = new LinkedHashSet<>();
        Map<String, Double> watts = new HashMap<>();
        Map<String, Double> joules = new HashMap<>();
        String[] lines = scrape.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            boolean power = isSample(line, POWER);
            if (!power && !isSample(line, ENERGY)) continue;
            Series s = Series.parse(line, i + 1, where);
            if (s.labels.containsKey("GPU_I_ID")) continue;
            String device = device(s, i + 1, where);
            devices.add(device);
            if (power) watts.putIfAbsent(device, s.value);
            else joules.putIfAbsent(device, s.value / 1000);
        }
        if (devices.isEmpty()) throw new PowerException(where + ": no " + POWER + " or " + ENERGY + " in the scrape");
        List<Poller.Reading> readings = new ArrayList<>(devices.size());
        for (String d : devices) {
            readings.add(new Poller.Reading(d, watts.getOrDefault(d, Double.NaN), joules.getOrDefault(d, Double.NaN)));
        }
        return readings;
    }

    private static boolean isSample(String line, String metric) {
        if (!line.startsWith(metric) || line.length() == metric.length()) return false;
        char next = line.charAt(metric.length());
        return next == '{' || next == ' ' || next == '\t';
    }

    private static String device(Series s, int line, String where) {
        String gpu = s.labels.get("gpu");
        if (gpu != null) return "gpu" + gpu;
        String uuid = s.labels.get("UUID");
        if (uuid != null) return uuid;
        throw new PowerException(where + " line " + line + ": " + s.name + " has neither a gpu nor a UUID label");
    }

    /** One sample line: {@code name{label="value",...} value [timestamp]}. */
    private record Series(String name, Map<String, String> labels, double value) {

        static Series parse(String line, int number, String where) {
            int i = 0, n = line.length();
            while (i < n && line.charAt(i) != '{' && !Character.isWhitespace(line.charAt(i))) i++;
            String name = line.substring(0, i);
            Map<String, String> labels = new HashMap<>();
            if (i < n && line.charAt(i) == '{') {
                i++;
                while (true) {
                    while (i < n && (line.charAt(i) == ',' || line.charAt(i) == ' ')) i++;
                    if (i < n && line.charAt(i) == '}') {
                        i++;
                        break;
                    }
                    int eq = line.indexOf('=', i);
                    if (eq < 0 || eq + 1 >= n || line.charAt(eq + 1) != '"') throw malformed(where, number, "a label");
                    String key = line.substring(i, eq).strip();
                    StringBuilder value = new StringBuilder();
                    i = eq + 2;
                    while (i < n && line.charAt(i) != '"') {
                        char c = line.charAt(i++);
                        if (c == '\\' && i < n) {
                            char e = line.charAt(i++);
                            value.append(e == 'n' ? '\n' : e);
                        } else {
                            value.append(c);
                        }
                    }
                    if (i >= n) throw malformed(where, number, "an unterminated label value");
                    i++;
                    labels.put(key, value.toString());
                }
            }
            String[] rest = line.substring(i).strip().split("\\s+");
            if (rest.length < 1 || rest[0].isEmpty()) throw malformed(where, number, "no value");
            return new Series(name, labels, number(rest[0], where, number));
        }

        private static double number(String v, String where, int line) {
            switch (v) {
                case "NaN":
                    return Double.NaN;
                case "+Inf", "-Inf", "Inf":
                    throw new PowerException(where + " line " + line + ": value " + v + " is not a power or energy");
                default:
                    try {
                        double d = Double.parseDouble(v);
                        if (d < 0) throw new PowerException(where + " line " + line + ": negative value " + v);
                        return d;
                    } catch (NumberFormatException e) {
                        throw malformed(where, line, "value '" + v + "'");
                    }
            }
        }

        private static PowerException malformed(String where, int line, String what) {
            return new PowerException(where + " line " + line + ": malformed sample, " + what);
        }
    }
}
