package io.agentload.replay;

import io.agentload.sim.EngineConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The search over deployments ({@code agentload bench --deployment auto}), in two rounds (docs/simulator.md,
 * "Deployments"), each sharing one bracket across its candidates, so that a layout that cannot win costs one trial:
 * <ol>
 *   <li><b>Screening</b> with short windows ({@value #SCREEN_WINDOW_S} s, or the search's own when shorter) and a
 *       coarse bracket ({@value #SCREEN_TOLERANCE}). The first candidate is searched from one agent; every later one
 *       first runs a probe at the contenders' floor, {@value #SCREEN_TOLERANCE} below the smallest tier answer
 *       screened so far. A probe that fails every tier (stopped at its verdict) prunes the layout: it cannot come
 *       within the screening's bracket of the best. Otherwise the layout's search ramps from the probe, which is
 *       its first trial.</li>
 *   <li><b>Full search</b> of every layout whose screened answer comes within the screening's bracket of the best on
 *       some tier (usually one), the likeliest best first, with the search's own window and tolerance
 *       ({@value #FULL_TOLERANCE} when it asks for the exact answer), its ramp starting {@value #FULL_MARGIN} below
 *       its screened answer and growing by {@value #FULL_GROWTH}. A later contender first runs a probe at the
 *       smallest tier answer found so far in this round; one that fails every tier there is worse on every tier
 *       than a layout already searched, and is pruned.</li>
 * </ol>
 * Each fully searched layout gets its own run folder {@code DIR/NAME/}; {@code DIR} gets a {@code summary.json} of the
 * best fully searched layout per tier (most agents, then most agents per MW, then the first candidate), each tier
 * naming its layout, and a {@code report.html} that compares every candidate, screened, probed and full, and links to
 * the folders.
 */
final class DeploymentSearch {
    /** Screening windows, seconds: long enough for every agent's turns to pass through a window several times. */
    static final int SCREEN_WINDOW_S = 60;
    /** The screening's bracket: a layout within it of the best on some tier is searched fully. */
    static final double SCREEN_TOLERANCE = 0.25;
    /** The full search's bracket when the search asks for the exact answer (2%: notebook 06's rack searches). */
    static final double FULL_TOLERANCE = 0.02;
    /**
     * How far below its screened answer a full search starts: a longer window moves an answer by some percent, and a
     * first trial that failed would be bisected down from zero.
     */
    static final double FULL_MARGIN = 0.05;
    /**
     * The full search's ramp growth: the screened answer is the bottom of a bracket up to {@value #SCREEN_TOLERANCE}
     * wide, so two steps cross it (the rack: 6,144 screened, 7,680 failed, about 7,450 in full).
     */
    static final double FULL_GROWTH = 1.15;

    private DeploymentSearch() {
    }

    /**
     * What the search found for each candidate: its screening (null when a screening probe pruned it), the agents of
     * the probe that pruned it in either round ({@code prunedAt}, else 0), its full search when it had one, and the
     * probes it ran outside its searches.
     */
    record Found(SearchSummary screened, int prunedAt, SearchSummary full, int probes) {
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
        Map<String, Found> found = new LinkedHashMap<>();
        Map<String, SearchSummary> screened = new LinkedHashMap<>();
        int[] bestScreened = null;
        for (Map.Entry<String, EngineConfig.Deployment> c : candidates.entrySet()) {
            Simulation layout = screen.withEngine(e -> e.withDeployment(c.getValue()));
            SloResult result;
            if (bestScreened != null && min(bestScreened) >= 2) {
                int floor = Math.max(1, (int) Math.floor(min(bestScreened) * (1 - SCREEN_TOLERANCE)));
                VirtualTimeDriver driver = layout.driver();
                Trial probe = driver.run(0, floor, base.tiers(), r -> { });
                TrialMetrics m = TrialMetrics.of(probe);
                if (failsEveryTier(m, base.tiers())) {
                    layout.heard(m);
                    found.put(c.getKey(), new Found(null, floor, null, 1));
                    continue;
                }
                result = layout.withRamp(floor, 2).search(new Probed(driver, probe, base.tiers()));
            } else {
                result = layout.search();
            }
            SearchSummary s = SearchSummary.of(result).withDeployment(c.getValue().toString());
            screened.put(c.getKey(), s);
            found.put(c.getKey(), new Found(s, 0, null, 0));
            bestScreened = max(bestScreened, s);
        }
        double fullTolerance = base.tolerance() > 0 ? base.tolerance() : FULL_TOLERANCE;
        int[] best = bestScreened;
        List<String> contenders = screened.keySet().stream().filter(name -> contender(screened.get(name), best))
                .sorted(Comparator.comparingDouble((String name) -> -closeness(screened.get(name), best))).toList();
        int[] bestFull = null;
        for (String name : contenders) {
            EngineConfig.Deployment d = candidates.get(name);
            SearchSummary s = screened.get(name);
            Simulation full = base.withEngine(c -> c.withDeployment(d)).withTolerance(fullTolerance);
            int probes = 0;
            if (bestFull != null && min(bestFull) >= 1) {
                int at = min(bestFull);
                TrialMetrics m = TrialMetrics.of(full.driver().run(0, at, base.tiers(), r -> { }));
                full.heard(m);
                probes = 1;
                if (failsEveryTier(m, base.tiers())) {
                    found.put(name, new Found(s, at, null, probes));
                    continue;
                }
            }
            int start = Math.max(1, (int) Math.floor(min(answers(s)) * (1 - FULL_MARGIN)));
            SearchSummary f = SearchSummary.of(full.withRamp(start, FULL_GROWTH).search(dir.resolve(name)))
                    .withDeployment(d.toString());
            found.put(name, new Found(s, 0, f, probes));
            bestFull = max(bestFull, f);
        }
        return found;
    }

    private static boolean failsEveryTier(TrialMetrics m, List<SloTier> tiers) {
        return tiers.stream().noneMatch(t -> m.check(t).passed());
    }

    /**
     * A driver whose trial 0 has already run, as a screening probe: a search ramping from the probe's agents takes it
     * as its first trial instead of running it again. Its records are not handed on: screening keeps none.
     */
    private record Probed(VirtualTimeDriver driver, Trial probe, List<SloTier> open) implements TrialRunner {
        @Override
        public Trial run(int trial, int agents, List<SloTier> open, Consumer<RequestRecord> sink) {
            return isProbe(trial, agents, open) ? probe : driver.run(trial, agents, open, sink);
        }

        @Override
        public boolean independent() {
            return true;
        }

        @Override
        public Placement compute(int trial, int agents, List<SloTier> open) {
            return isProbe(trial, agents, open) ? sink -> probe : driver.compute(trial, agents, open);
        }

        private boolean isProbe(int trial, int agents, List<SloTier> open) {
            return trial == 0 && agents == probe.agents() && open.equals(this.open);
        }
    }

    /** How close a screened layout comes to the best screened answers: its best ratio over the tiers. */
    private static double closeness(SearchSummary s, int[] best) {
        int[] a = answers(s);
        double c = 0;
        for (int t = 0; t < a.length; t++) if (best[t] > 0) c = Math.max(c, a[t] / (double) best[t]);
        return c;
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
            n += f.probes() + (f.screened() == null ? 0 : f.screened().trials()) + (f.full() == null ? 0 : f.full().trials());
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
            Found f = e.getValue();
            if (f.screened() != null) {
                row(h, e.getKey(), String.format(Locale.ROOT, "screened (%d s windows)", SCREEN_WINDOW_S), f.screened(),
                        best, false);
            }
            if (f.prunedAt() > 0) {
                h.append("<tr><td>").append(escape(e.getKey())).append("</td><td>")
                        .append(f.screened() == null ? "pruned when screened" : "pruned in the full round")
                        .append("</td><td colspan=\"").append(best.tiers().size()).append("\">every tier failed at ")
                        .append(f.prunedAt()).append(" agents</td><td></td></tr>\n");
            }
            if (f.full() != null) row(h, e.getKey(), "full", f.full(), best, true);
        }
        return h.append("</table>\n<p>Max agents (agents per MW) per tier. Screening searches the first candidate with "
                + "short windows and a coarse bracket, and probes each later one just below that bracket of the best "
                + "so far: one that fails every tier there is pruned. The layouts left within the bracket of the best "
                + "are searched fully, the likeliest best first, each in its own run folder with its own report, "
                + "trials and requests; a later one that fails every tier at the best full answer so far is pruned. "
                + "Only full answers are chosen.</p>\n</body></html>\n").toString();
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
