package io.agentload.replay;

import io.agentload.trajectory.Session;
import io.agentload.trajectory.Turn;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Small hand-made sessions for replay tests. */
final class Sessions {

    private Sessions() {
    }

    /**
     * {@code count} sessions "s0", "s1"...; session i has 3 + i turns; turn k has 1000 + 500 k input tokens of which
     * the previous prompt plus output are reused, 20 + k output tokens and 1000 + 100 i ms of tool time.
     */
    static List<Session> sample(int count) {
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = "s" + i;
            List<Turn> turns = new ArrayList<>();
            for (int k = 0; k < 3 + i; k++) {
                int input = 1000 + 500 * k;
                int reused = k == 0 ? 0 : 1000 + 500 * (k - 1) + 20 + (k - 1);
                turns.add(new Turn(id, k, "java", input, reused, "sys", 200, 20 + k, 1000 + 100L * i, List.of()));
            }
            sessions.add(new Session(id, "java", turns));
        }
        return sessions;
    }

    /**
     * Like {@link #sample(int)} but quick enough to replay in real time: turn k has 300 + 100 k input tokens, 4 + k
     * output tokens and {@code toolTimeMs} of tool time.
     */
    static List<Session> quick(int count, long toolTimeMs) {
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = "q" + i;
            List<Turn> turns = new ArrayList<>();
            for (int k = 0; k < 3 + i; k++) {
                int input = 300 + 100 * k;
                int reused = k == 0 ? 0 : 300 + 100 * (k - 1) + 4 + (k - 1);
                turns.add(new Turn(id, k, "java", input, reused, "sys", 64, 4 + k, toolTimeMs, List.of()));
            }
            sessions.add(new Session(id, "java", turns));
        }
        return sessions;
    }

    /**
     * {@code byStatus} without the cool-down requests that a real-time trial's end cut ({@code cut_at_end}, phase
     * cool-down: load kept up while the last measured requests finished); fails if another request was cut.
     */
    static SortedMap<String, Long> withoutCoolDownCuts(Map<String, Long> byStatus, List<RequestRecord> records) {
        SortedMap<String, Long> rest = new TreeMap<>(byStatus);
        long cut = 0;
        for (RequestRecord r : records) {
            if (!r.status().equals(RequestRecord.CUT_AT_END)) continue;
            if (r.phase() != RequestRecord.Phase.COOL_DOWN) throw new AssertionError("a request sent in time was cut: " + r);
            cut++;
        }
        if (cut > 0 && rest.merge(RequestRecord.CUT_AT_END, -cut, Long::sum) == 0) rest.remove(RequestRecord.CUT_AT_END);
        return rest;
    }
}
