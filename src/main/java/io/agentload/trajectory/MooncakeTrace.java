package io.agentload.trajectory;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads Mooncake traces (kvcache-ai/Mooncake, {@code FAST25-release/traces/*.jsonl}): one request per line with
 * {@code timestamp} (ms), {@code input_length}, {@code output_length} and {@code hash_ids}, the remapped hashes of
 * the prompt's 512-token blocks (the last one partial). The traces name no sessions; this importer derives them.
 *
 * <p><b>What the hashes allow.</b> In both published traces a block id always follows the same parent (the
 * importer checks this on every line), so an id stands for the whole prefix up to its block (chained hashing),
 * and two prompts share exactly their leading run of equal ids. In a chat the next turn's prompt is the previous prompt, its answer and
 * a new message, so it repeats the previous prompt's full blocks ({@code input_length / 512} of them; the partial
 * last block is refilled and hashed anew).
 *
 * <p><b>Rule.</b> Requests are taken in timestamp order. Request {@code r} is the next turn of the session of
 * request {@code p} when
 * <ol>
 *   <li>{@code p}'s full-block chain is the longest full-block chain of an earlier request that {@code r}'s hashes
 *       start with, and it does not end on a hub block (below);</li>
 *   <li>{@code r}'s prompt grew by at least half of {@code p}'s output: {@code 2 (in_r - in_p) >= out_p};</li>
 *   <li>no other request continues {@code p} already (a second one is a regenerated or edited answer);</li>
 * </ol>
 * taking the latest such {@code p} when several earlier requests end on that chain. Any other request starts a
 * session. A <i>hub</i> is a block followed by {@value #HUB_FAN_OUT} or more different next blocks in the file: a
 * prefix that many unrelated sessions share, such as a system prompt. In the conversation trace block 0 starts
 * all 12,031 requests and is followed by 7,373 different blocks; no other block of either trace has more than 13
 * followers, so any threshold from 14 to 7,373 gives the same sessions there.
 *
 * <p><b>Why, in numbers.</b> In the conversation trace (Kimi chat, one hour) 3,975 requests extend the full
 * chain of an earlier non-hub request and 3,813 of them become next turns. 427 candidates (11%) grow by less than
 * the previous prompt plus output, most by a few tokens (median 16: the kept history is slightly shorter than
 * what was generated), so requiring the whole output would drop 282 real continuations; 97% grow by at least
 * half of it, and 90 of the rest repeat the previous prompt exactly (retries). The result: 8,218 sessions, 2,012
 * of them with more than one turn and up to 43 turns; reused plus shared-prefix tokens are 35.1% of all input
 * tokens, against 37.4% for an infinite prefix cache over the raw trace. In the synthetic trace (public datasets,
 * generated Poisson arrivals) most sharing is between different questions on one document, which grow by a token
 * or so and stay separate sessions: 413 of 1,455 candidates link, leaving 3,580 sessions of at most 4 turns. Its
 * cross-session document reuse (65% ideal hit ratio, 17% kept as reuse) does not fit one shared prefix per
 * harness and is lost.
 *
 * <p><b>Columns.</b> {@code session_id} is the file name without {@code .jsonl}, a dash, and the line number of
 * the session's first request. {@code reused_tokens} = the leading blocks shared with the previous turn x 512, at
 * most {@code input_length} (a whole-block lower bound: reuse inside the partial last block is unknown).
 * {@code shared_prefix_id} and {@code shared_prefix_tokens}: the session's leading run of hub blocks, named after
 * its last block ({@code conversation_trace-b0}, 512 tokens, on every conversation session). {@code tool_time_ms}
 * of a turn is the time from its estimated last token to the next turn's timestamp, the finish estimated as
 * timestamp + {@code output_length} / {@value #ASSUMED_OUTPUT_TOKENS_PER_SECOND} tok/s (an assumed decode speed
 * inside our SLO tiers, since the trace records no latencies; time to first token is neglected and the
 * timestamps have one-second resolution), clamped at 0 (7 of 3,813 conversation gaps); the last turn has 0. In
 * the conversation trace this is the user's think time: median 117 s. {@code language} is {@value #LANGUAGE}: the
 * trace has no text. {@code hash_ids} are kept as recorded.
 */
final class MooncakeTrace {

    static final int BLOCK_TOKENS = 512;
    static final int HUB_FAN_OUT = 16;
    static final int ASSUMED_OUTPUT_TOKENS_PER_SECOND = 50;
    static final String LANGUAGE = "unknown";

    private MooncakeTrace() {
    }

    /** The turns of every session derived from the given trace files (or directories of them), session by session. */
    static List<Turn> read(Path... paths) {
        List<Turn> turns = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Path file : TraceLine.files(paths)) {
            String name = file.getFileName().toString().replaceFirst("\\.jsonl$", "");
            if (!names.add(name)) {
                throw new TrajectoryException(file + ": a trace named " + name + " was given already; session ids"
                        + " would collide");
            }
            turns.addAll(sessions(name, requests(file)));
        }
        return turns;
    }

    /** One request of the trace, validated. */
    private record Request(int line, long timestamp, int inputLength, int outputLength, long[] hashIds) {

        /** Number of full 512-token blocks of the prompt. */
        int fullBlocks() {
            return inputLength / BLOCK_TOKENS;
        }
    }

    /** Where a block id was first seen: the id before it (null at the start of a prompt) and the line. */
    private record Parent(Long id, int line) {
    }

    /**
     * The file's requests in timestamp order, validated: one hash per 512-token block, and chained hashes (a block
     * id always follows the same parent), which the session rule relies on.
     */
    private static List<Request> requests(Path file) {
        List<Request> requests = new ArrayList<>();
        Map<Long, Parent> parents = new HashMap<>();
        for (TraceLine line : TraceLine.read(file)) {
            long timestamp = line.wholeNumber("timestamp", line.required("timestamp"));
            int input = line.count("input_length");
            int output = line.count("output_length");
            JsonNode ids = line.array("hash_ids");
            long[] hashIds = new long[ids.size()];
            for (int i = 0; i < hashIds.length; i++) {
                hashIds[i] = line.wholeNumber("hash_ids[" + i + "]", ids.get(i));
                Long parent = i == 0 ? null : hashIds[i - 1];
                Parent seen = parents.putIfAbsent(hashIds[i], new Parent(parent, line.number()));
                if (seen != null && !Objects.equals(seen.id(), parent)) {
                    throw line.error("hash_ids[" + i + "]", "block " + hashIds[i] + " follows "
                            + (parent == null ? "nothing" : "block " + parent) + " here but "
                            + (seen.id() == null ? "nothing" : "block " + seen.id()) + " on line " + seen.line()
                            + "; Mooncake block hashes are chained, each standing for its whole prefix");
                }
            }
            int expected = (input + BLOCK_TOKENS - 1) / BLOCK_TOKENS;
            if (hashIds.length != expected) {
                throw line.error("hash_ids", hashIds.length + " block hashes for input_length " + input
                        + ", expected " + expected + " (one per 512-token block)");
            }
            requests.add(new Request(line.number(), timestamp, input, output, hashIds));
        }
        requests.sort(Comparator.comparingLong(Request::timestamp));
        return requests;
    }

    /** Links requests (in timestamp order) into sessions and returns their turns, session by session. */
    private static List<Turn> sessions(String traceName, List<Request> requests) {
        Set<Long> hubs = hubs(requests);
        Map<Long, List<Integer>> chainEnds = new HashMap<>(); // last block of a full-block chain -> its requests
        boolean[] continued = new boolean[requests.size()];
        int[] sessionOf = new int[requests.size()];
        List<List<Request>> sessions = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            Request r = requests.get(i);
            int p = predecessor(r, requests, chainEnds, hubs, continued);
            if (p >= 0) {
                continued[p] = true;
                sessionOf[i] = sessionOf[p];
                sessions.get(sessionOf[i]).add(r);
            } else {
                sessionOf[i] = sessions.size();
                sessions.add(new ArrayList<>(List.of(r)));
            }
            if (r.fullBlocks() > 0) {
                chainEnds.computeIfAbsent(r.hashIds()[r.fullBlocks() - 1], k -> new ArrayList<>()).add(i);
            }
        }
        List<Turn> turns = new ArrayList<>(requests.size());
        for (List<Request> session : sessions) {
            turns.addAll(turns(traceName, session, hubs));
        }
        return turns;
    }

    /**
     * The index of the request that {@code r} continues (rules 1 to 3 of the class comment), or -1: among the
     * earlier requests whose full-block chain is the longest one {@code r} starts with, the latest one not yet
     * continued whose prompt {@code r} extends by at least half its output.
     */
    private static int predecessor(Request r, List<Request> requests, Map<Long, List<Integer>> chainEnds,
                                   Set<Long> hubs, boolean[] continued) {
        long[] ids = r.hashIds();
        for (int i = ids.length - 1; i >= 0; i--) {
            List<Integer> candidates = chainEnds.get(ids[i]);
            if (candidates == null) continue;
            if (hubs.contains(ids[i])) return -1;
            for (int c = candidates.size() - 1; c >= 0; c--) {
                int p = candidates.get(c);
                Request q = requests.get(p);
                if (!continued[p] && 2L * (r.inputLength() - q.inputLength()) >= q.outputLength()) return p;
            }
            return -1;
        }
        return -1;
    }

    /**
     * Blocks followed by at least {@link #HUB_FAN_OUT} different next blocks. With chained hashes every block has
     * one parent, so a block's followers are counted as the distinct blocks whose parent it is.
     */
    private static Set<Long> hubs(List<Request> requests) {
        Set<Long> seen = new HashSet<>();
        Map<Long, Integer> followers = new HashMap<>();
        Set<Long> hubs = new HashSet<>();
        for (Request r : requests) {
            long[] ids = r.hashIds();
            for (int i = 1; i < ids.length; i++) {
                if (seen.add(ids[i]) && followers.merge(ids[i - 1], 1, Integer::sum) == HUB_FAN_OUT) {
                    hubs.add(ids[i - 1]);
                }
            }
        }
        return hubs;
    }

    private static List<Turn> turns(String traceName, List<Request> session, Set<Long> hubs) {
        Request first = session.get(0);
        String sessionId = traceName + "-" + first.line();
        int hubRun = 0;
        while (hubRun < first.hashIds().length && hubs.contains(first.hashIds()[hubRun])) hubRun++;
        String prefixId = hubRun == 0 ? "" : traceName + "-b" + first.hashIds()[hubRun - 1];
        List<Turn> turns = new ArrayList<>(session.size());
        for (int k = 0; k < session.size(); k++) {
            Request r = session.get(k);
            int reused = k == 0 ? 0 : Math.min(sharedBlocks(session.get(k - 1), r) * BLOCK_TOKENS, r.inputLength());
            long toolTime = k + 1 < session.size() ? toolTimeMs(r, session.get(k + 1)) : 0;
            List<Long> hashIds = new ArrayList<>(r.hashIds().length);
            for (long id : r.hashIds()) hashIds.add(id);
            turns.add(new Turn(sessionId, k, LANGUAGE, r.inputLength(), reused, prefixId,
                    Math.min(hubRun * BLOCK_TOKENS, r.inputLength()), r.outputLength(), toolTime, hashIds));
        }
        return turns;
    }

    private static int sharedBlocks(Request a, Request b) {
        int n = Math.min(a.hashIds().length, b.hashIds().length), k = 0;
        while (k < n && a.hashIds()[k] == b.hashIds()[k]) k++;
        return k;
    }

    /** Time from {@code r}'s estimated last token to {@code next}'s arrival, at least 0. */
    private static long toolTimeMs(Request r, Request next) {
        long finish = r.timestamp() + Math.round(r.outputLength() * 1000.0 / ASSUMED_OUTPUT_TOKENS_PER_SECOND);
        return Math.max(0, next.timestamp() - finish);
    }
}
