package io.agentload.replay;

import io.agentload.sim.EngineConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The search over deployments ({@code agentload bench --deployment auto}): one whole search per candidate layout, each
 * in its own run folder {@code DIR/NAME/}, then in {@code DIR} a {@code summary.json} of the best layout per tier (most
 * agents, then most agents per MW, then the first candidate), each tier naming its layout, and a {@code report.html}
 * that compares every candidate and links to its folder.
 */
final class DeploymentSearch {

    private DeploymentSearch() {
    }

    static SearchSummary run(Simulation base, Map<String, EngineConfig.Deployment> candidates, Path dir) {
        if (candidates.isEmpty()) throw new IllegalArgumentException("no deployment to search");
        Map<String, SearchSummary> found = new LinkedHashMap<>();
        for (Map.Entry<String, EngineConfig.Deployment> c : candidates.entrySet()) {
            Simulation s = base.withEngine(e -> e.withDeployment(c.getValue()));
            found.put(c.getKey(), SearchSummary.of(s.search(dir.resolve(c.getKey()))).withDeployment(c.getValue().toString()));
        }
        SearchSummary best = best(found);
        try {
            Files.writeString(dir.resolve(Run.SUMMARY), SummaryFile.json(best));
            Files.writeString(dir.resolve(Run.REPORT), html(base, found, best));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the deployment search's files in " + dir, e);
        }
        return best;
    }

    /** Per tier the candidate serving most agents, then most per MW; the trials of every search. */
    static SearchSummary best(Map<String, SearchSummary> found) {
        List<SearchSummary> all = List.copyOf(found.values());
        List<SearchSummary.Tier> tiers = new ArrayList<>();
        int trials = 0;
        for (SearchSummary s : all) trials += s.trials();
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

    private static String html(Simulation base, Map<String, SearchSummary> found, SearchSummary best) {
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
        h.append("</table>\n<h2>Every candidate</h2>\n<table>\n<tr><th>candidate</th>");
        for (SearchSummary.Tier t : best.tiers()) h.append("<th>").append(escape(t.tier().label())).append("</th>");
        h.append("<th>deployment</th></tr>\n");
        for (Map.Entry<String, SearchSummary> e : found.entrySet()) {
            h.append("<tr><td><a href=\"").append(escape(e.getKey())).append("/report.html\">").append(escape(e.getKey()))
                    .append("</a></td>");
            List<SearchSummary.Tier> tiers = e.getValue().tiers();
            for (int i = 0; i < tiers.size(); i++) {
                SearchSummary.Tier t = tiers.get(i);
                boolean top = t.equals(best.tiers().get(i));
                h.append(top ? "<td class=\"best\">" : "<td>").append(t.capped() ? "&ge;" : "").append(t.maxAgents())
                        .append(" (").append(perMw(t)).append("/MW)</td>");
            }
            h.append("<td>").append(escape(tiers.get(0).deployment())).append("</td></tr>\n");
        }
        return h.append("</table>\n<p>Max agents (agents per MW) per tier; each candidate's run folder holds its own "
                + "report, trials and requests.</p>\n</body></html>\n").toString();
    }

    private static String perMw(SearchSummary.Tier t) {
        return Double.isNaN(t.agentsPerMw()) ? "-" : String.format(Locale.ROOT, "%,.0f", t.agentsPerMw());
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
