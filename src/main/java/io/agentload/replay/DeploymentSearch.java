package io.agentload.replay;

import io.agentload.sim.EngineConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The search over deployments ({@code agentload bench --deployment auto}), in two rounds (docs/simulator.md,
 * "Deployments"):
 * <ol>
 *   <li><b>Screening</b>: every candidate layout is searched with short windows ({@value #SCREEN_WINDOW_S} s, or the
 *       search's own when shorter) and a coarse bracket ({@value #SCREEN_TOLERANCE}); each ramp starts at half the
 *       smallest tier answer screened so far (rounded down to a power of two), so the brackets found on one layout
 *       seed the next; a layout whose first trial there fails every tier is pruned at once, since it cannot come
 *       within the screening's bracket of the best.</li>
 *   <li><b>Full search</b> of every layout whose screened answer comes within the screening's bracket of the best on
 *       some tier (usually one), with the search's own window and tolerance ({@value #FULL_TOLERANCE} when it asks
 *       for the exact answer), its ramp
 *       starting just below its screened answer and growing by {@value #FULL_GROWTH}. The others are pruned: their
 *       screened answers are reported as such.</li>
 * </ol>
 * Each fully searched layout gets its own run folder {@code DIR/NAME/}; {@code DIR} gets a {@code summary.json} of the
 * best fully searched layout per tier (most agents, then most agents per MW, then the first candidate), each tier
 * naming its layout, and a {@code report.html} that compares every candidate, screened and full, and links to the
 * folders.
 */
final class DeploymentSearch {
    /** Screening windows, seconds: long enough for every agent's turns to pass through a window several times. */
    static final int SCREEN_WINDOW_S = 60;
    /** The screening's bracket: a layout within it of the best on some tier is searched fully. */
    static final double SCREEN_TOLERANCE = 0.25;
    /** The full search's bracket when the search asks for the exact answer (2%: notebook 06's rack searches). */
    static final double FULL_TOLERANCE = 0.02;
    /** The full search's ramp growth from just below the screened answer. */
    static final double FULL_GROWTH = 1.25;

    private DeploymentSearch() {
    }

    /**
     * What the search found for each candidate: its screening (null when its first trial failed every tier), the
     * agents of that first trial when it did ({@code prunedAt}, else 0), and its full search when it was not pruned.
     */
    record Found(SearchSummary screened, int prunedAt, SearchSummary full) {
        SearchSummary best() {
            return full != null ? full : screened;
        }
    }

    static SearchSummary run(Simulation base, Map<String, EngineConfig.Deployment> candidates, Path dir) {
        Map<String, Found> found = search(base, candidates, dir);
        Map<String, SearchSummary> full = new LinkedHashMap<>();
        found.forEach((name, f) -> {
            if (f.full() != null) full.put(name, f.full());
        });
        SearchSummary best = best(full, trials(found));
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(Run.SUMMARY), SummaryFile.json(best));
            Files.writeString(dir.resolve(Run.REPORT), html(base, found, best));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the deployment search's files in " + dir, e);
        }
        return best;
    }

    /** Screens every candidate, then fully searches those the screening does not prune (in {@code dir/NAME/}). */
    static Map<String, Found> search(Simulation base, Map<String, EngineConfig.Deployment> candidates, Path dir) {
        if (candidates.isEmpty()) throw new IllegalArgumentException("no deployment to search");
        Duration screenWindow = base.window().compareTo(Duration.ofSeconds(SCREEN_WINDOW_S)) < 0 ? base.window()
                : Duration.ofSeconds(SCREEN_WINDOW_S);
        Simulation screen = base.withWindow(screenWindow).withTolerance(Math.max(SCREEN_TOLERANCE, base.tolerance()));
        Map<String, SearchSummary> screened = new LinkedHashMap<>();
        Map<String, Integer> pruned = new LinkedHashMap<>();
        int[] bestScreened = null;
        for (Map.Entry<String, EngineConfig.Deployment> c : candidates.entrySet()) {
            Simulation layout = screen.withEngine(e -> e.withDeployment(c.getValue()));
            if (bestScreened != null && min(bestScreened) >= 2) {
                // A layout failing every tier at half the smallest best answer cannot come within 25% of it.
                int start = Integer.highestOneBit(min(bestScreened) / 2);
                TrialMetrics probe = layout.trial(start);
                if (base.tiers().stream().noneMatch(t -> probe.check(t).passed())) {
                    pruned.put(c.getKey(), start);
                    continue;
                }
                layout = layout.withRamp(start, 2);
            }
            SearchSummary s = SearchSummary.of(layout.search()).withDeployment(c.getValue().toString());
            screened.put(c.getKey(), s);
            bestScreened = max(bestScreened, s);
        }
        Map<String, Found> found = new LinkedHashMap<>();
        pruned.forEach((name, at) -> found.put(name, new Found(null, at, null)));
        double fullTolerance = base.tolerance() > 0 ? base.tolerance() : FULL_TOLERANCE;
        for (Map.Entry<String, SearchSummary> e : screened.entrySet()) {
            SearchSummary s = e.getValue();
            SearchSummary full = null;
            if (contender(s, bestScreened)) {
                EngineConfig.Deployment d = candidates.get(e.getKey());
                int start = Math.max(1, (int) Math.floor(min(answers(s)) * (1 - SCREEN_TOLERANCE)));
                Simulation f = base.withEngine(c -> c.withDeployment(d)).withRamp(start, FULL_GROWTH)
                        .withTolerance(fullTolerance);
                full = SearchSummary.of(f.search(dir.resolve(e.getKey()))).withDeployment(d.toString());
            }
            found.put(e.getKey(), new Found(s, 0, full));
        }
        Map<String, Found> ordered = new LinkedHashMap<>();
        for (String name : candidates.keySet()) ordered.put(name, found.get(name));
        return ordered;
    }

    /** Whether a screened layout comes within the screening's bracket of the best screened answer on some tier. */
    private static boolean contender(SearchSummary s, int[] best) {
        int[] a = answers(s);
        for (int t = 0; t < a.length; t++) {
            if (a[t] >= Math.floor(best[t] * (1 - SCREEN_TOLERANCE)) && best[t] > 0) return true;
        }
        return a.length > 0 && max(best) == 0;
    }

    private static int[] answers(SearchSummary s) {
        return s.tiers().stream().mapToInt(SearchSummary.Tier::maxAgents).toArray();
    }

    private static int[] max(int[] best, SearchSummary s) {
        int[] a = answers(s);
        if (best == null) return a;
        int[] m = best.clone();
        for (int t = 0; t < m.length; t++) m[t] = Math.max(m[t], a[t]);
        return m;
    }

    private static int min(int[] a) {
        return Arrays.stream(a).min().orElse(1);
    }

    private static int max(int[] a) {
        return Arrays.stream(a).max().orElse(0);
    }

    private static int trials(Map<String, Found> found) {
        int n = 0;
        for (Found f : found.values()) {
            n += f.screened() == null ? 1 : f.screened().trials() + (f.full() == null ? 0 : f.full().trials());
        }
        return n;
    }

    /** Per tier the candidate serving most agents, then most per MW; the trials of every search. */
    static SearchSummary best(Map<String, SearchSummary> found, int trials) {
        List<SearchSummary> all = List.copyOf(found.values());
        List<SearchSummary.Tier> tiers = new ArrayList<>();
        for (int i = 0; i < all.get(0).tiers().size(); i++) {
            SearchSummary.Tier top = null;
            for (SearchSummary s : all) {
                SearchSummary.Tier t = s.tiers().get(i);
                if (top == null || t.maxAgents() > top.maxAgents()
                        || t.maxAgents() == top.maxAgents() && t.agentsPerMw() > top.agentsPerMw()) {
                    top = t;
                }
            }
            tiers.add(top);
        }
        return new SearchSummary(all.get(0).gpus(), trials, tiers, null, null);
    }

    private static String html(Simulation base, Map<String, Found> found, SearchSummary best) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Deployments: ")
                .append(escape(base.config().system().name() + " serving " + base.config().model().name()))
                .append("</title><style>body{font-family:sans-serif;margin:2em}td,th{padding:.3em .8em;text-align:right}"
                        + "td:first-child,th:first-child{text-align:left}.best{font-weight:bold}</style></head><body>\n")
                .append("<h1>").append(escape(base.config().system().name() + " serving "
                        + base.config().model().name())).append(": the best deployment per tier</h1>\n<table>\n")
                .append("<tr><th>tier</th><th>max agents</th><th>agents/GPU</th><th>agents/MW</th><th>deployment</th></tr>\n");
        for (SearchSummary.Tier t : best.tiers()) {
            h.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s%d</td><td>%.2f</td><td>%s</td><td>%s</td></tr>%n",
                    escape(t.tier().label()), t.capped() ? "&ge;" : "", t.maxAgents(), t.agentsPerGpu(),
                    perMw(t), escape(t.deployment())));
        }
        h.append("</table>\n<h2>Every candidate</h2>\n<table>\n<tr><th>candidate</th><th>round</th>");
        for (SearchSummary.Tier t : best.tiers()) h.append("<th>").append(escape(t.tier().label())).append("</th>");
        h.append("<th>deployment</th></tr>\n");
        for (Map.Entry<String, Found> e : found.entrySet()) {
            if (e.getValue().screened() == null) {
                h.append("<tr><td>").append(escape(e.getKey())).append("</td><td>pruned</td><td colspan=\"")
                        .append(best.tiers().size()).append("\">every tier failed at ").append(e.getValue().prunedAt())
                        .append(" agents</td><td></td></tr>\n");
                continue;
            }
            row(h, e.getKey(), String.format(Locale.ROOT, "screened (%d s windows)", SCREEN_WINDOW_S),
                    e.getValue().screened(), best, false);
            if (e.getValue().full() != null) row(h, e.getKey(), "full", e.getValue().full(), best, true);
        }
        return h.append("</table>\n<p>Max agents (agents per MW) per tier. Screening searches every candidate with short "
                + "windows and a coarse bracket; the layouts it leaves within that bracket of the best are searched "
                + "fully, each in its own run folder with its own report, trials and requests; only full answers "
                + "are chosen.</p>\n</body></html>\n").toString();
    }

    private static void row(StringBuilder h, String name, String round, SearchSummary s, SearchSummary best, boolean full) {
        h.append("<tr><td>").append(full ? "<a href=\"" + escape(name) + "/report.html\">" + escape(name) + "</a>"
                : escape(name)).append("</td><td>").append(escape(round)).append("</td>");
        List<SearchSummary.Tier> tiers = s.tiers();
        for (int i = 0; i < tiers.size(); i++) {
            SearchSummary.Tier t = tiers.get(i);
            boolean top = full && t.equals(best.tiers().get(i));
            h.append(top ? "<td class=\"best\">" : "<td>").append(t.capped() ? "&ge;" : "").append(t.maxAgents())
                    .append(" (").append(perMw(t)).append("/MW)</td>");
        }
        h.append("<td>").append(escape(tiers.get(0).deployment())).append("</td></tr>\n");
    }

    private static String perMw(SearchSummary.Tier t) {
        return Double.isNaN(t.agentsPerMw()) ? "-" : String.format(Locale.ROOT, "%,.0f", t.agentsPerMw());
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
