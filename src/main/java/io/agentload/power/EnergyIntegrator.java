package io.agentload.power;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns one boundary's samples into a {@link PowerSummary} over a window.
 *
 * <p>Sample-and-hold, backwards: a reading at time t stands for (t_prev, t], where t_prev is the time of the
 * device's previous row, provided t - t_prev is at most twice the sampling interval; a longer gap, and the time
 * before a row without a reading (a failed poll), count as uncovered. Holding backwards suits every source we read:
 * {@code power.draw.average} is the mean of the last second, a DCGM or Redfish energy-counter difference is exactly
 * the mean since the previous reading, and the simulator's feed reports means over its spans. Trapezoids (as
 * aa-agentperf-local integrates) would smear each step change over half an interval instead.
 *
 * <p>A device with at least two distinct energy-counter readings is integrated from its counter instead: the energy
 * between two readings is their difference, whatever the gap (a failed poll loses nothing). A counter that has not
 * moved since the previous poll is a stale export (dcgm-exporter refreshes its fields every few seconds), so only
 * the first poll showing each new value is kept; a counter that goes down (a reset) leaves that span uncovered.
 *
 * <p>Each device's mean is its energy over its covered time; the mean power is the sum of the device means;
 * energy is that mean times the window length; coverage is the least-covered device's covered fraction.
 */
final class EnergyIntegrator {

    private EnergyIntegrator() {
    }

    static PowerSummary summarise(List<PowerSample> samples, Boundary boundary, double startTime, double endTime,
                                  double intervalS) {
        if (!(endTime > startTime) || !Double.isFinite(startTime) || !Double.isFinite(endTime)) {
            throw new PowerException("power window [" + startTime + ", " + endTime + "] s is empty or not finite");
        }
        Map<String, List<PowerSample>> byDevice = new LinkedHashMap<>();
        List<PowerSample> wholePollGaps = new ArrayList<>();
        Set<String> sources = new LinkedHashSet<>();
        for (PowerSample s : samples) {
            if (s.boundary() != boundary) continue;
            sources.add(s.source());
            if (s.device().equals(PowerSample.ALL_DEVICES)) wholePollGaps.add(s);
            else byDevice.computeIfAbsent(s.device(), d -> new ArrayList<>()).add(s);
        }
        if (byDevice.isEmpty()) {
            throw new PowerException("no " + boundary.label() + "-boundary power readings to summarise");
        }
        double window = endTime - startTime;
        double meanWatts = 0;
        double minCovered = window;
        int counted = 0, byCounter = 0;
        for (List<PowerSample> rows : byDevice.values()) {
            List<PowerSample> counter = freshCounterReadings(rows);
            Span span = counter.size() >= 2
                    ? fromCounter(counter, startTime, endTime)
                    : fromHold(merge(rows, wholePollGaps), startTime, endTime, 2 * intervalS);
            if (counter.size() >= 2) byCounter++;
            minCovered = Math.min(minCovered, span.coveredS);
            if (span.coveredS > 0) {
                meanWatts += span.joules / span.coveredS;
                counted++;
            }
        }
        if (counted == 0) meanWatts = Double.NaN;
        PowerSummary.Method method = byCounter == 0 ? PowerSummary.Method.SAMPLE_AND_HOLD
                : byCounter == byDevice.size() ? PowerSummary.Method.ENERGY_COUNTER : PowerSummary.Method.MIXED;
        boolean measured = sources.stream().allMatch(PowerSource::measuredKind);
        return new PowerSummary(boundary, measured, basis(sources), startTime, endTime, meanWatts, meanWatts * window,
                minCovered / window, byDevice.size(), method);
    }

    private record Span(double joules, double coveredS) {
    }

    private static Span fromHold(List<PowerSample> rows, double startTime, double endTime, double maxGapS) {
        double joules = 0, covered = 0;
        PowerSample previous = null;
        for (PowerSample r : rows) {
            if (previous != null && r.hasWatts()) {
                double from = previous.time(), to = r.time();
                if (to - from <= maxGapS) {
                    double overlap = overlap(from, to, startTime, endTime);
                    joules += r.watts() * overlap;
                    covered += overlap;
                }
            }
            previous = r;
        }
        return new Span(joules, covered);
    }

    private static Span fromCounter(List<PowerSample> counter, double startTime, double endTime) {
        double joules = 0, covered = 0;
        for (int i = 1; i < counter.size(); i++) {
            PowerSample a = counter.get(i - 1), b = counter.get(i);
            double dt = b.time() - a.time(), de = b.energyJoules() - a.energyJoules();
            if (dt <= 0 || de < 0) continue;
            double overlap = overlap(a.time(), b.time(), startTime, endTime);
            joules += de * overlap / dt;
            covered += overlap;
        }
        return new Span(joules, covered);
    }

    /** The device's counter readings, keeping only the first poll that showed each new value. */
    private static List<PowerSample> freshCounterReadings(List<PowerSample> rows) {
        List<PowerSample> fresh = new ArrayList<>();
        double last = Double.NaN;
        for (PowerSample r : rows) {
            if (!r.hasEnergy() || r.energyJoules() == last) continue;
            fresh.add(r);
            last = r.energyJoules();
        }
        return fresh;
    }

    /** A device's rows and the whole-poll gap rows, in time order (rows of equal time keep the device's first). */
    private static List<PowerSample> merge(List<PowerSample> device, List<PowerSample> gaps) {
        if (gaps.isEmpty()) return device;
        List<PowerSample> all = new ArrayList<>(device.size() + gaps.size());
        int i = 0, j = 0;
        while (i < device.size() || j < gaps.size()) {
            if (j == gaps.size() || (i < device.size() && device.get(i).time() <= gaps.get(j).time())) {
                all.add(device.get(i++));
            } else {
                all.add(gaps.get(j++));
            }
        }
        return all;
    }

    private static double overlap(double from, double to, double startTime, double endTime) {
        return Math.max(0, Math.min(to, endTime) - Math.max(from, startTime));
    }

    private static String basis(Set<String> sources) {
        List<String> parts = new ArrayList<>();
        for (String s : sources) {
            parts.add(switch (s) {
                case PowerSource.MODEL -> "modelled by the simulator";
                case PowerSource.CONSTANT -> "stated as a constant";
                default -> "measured by " + s;
            });
        }
        return String.join(" and ", parts);
    }
}
