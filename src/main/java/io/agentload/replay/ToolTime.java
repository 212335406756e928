package io.agentload.replay;

import io.agentload.trajectory.Session;
import io.agentload.trajectory.Turn;
import io.agentload.trajectory.WorkloadShape.ToolTimes;

import java.util.ArrayList;
import java.util.List;

/**
 * The one place where replayed sessions get their tool times, the same for both drivers: from the selected source
 * ({@link ToolTimes}: as recorded, generated per session and turn from the trial plan's seed, or fixed), then scaled
 * (2.0: tools twice as slow, agents ask less often).
 */
final class ToolTime {

    private ToolTime() {
    }

    /** {@code scale} if it is a finite number >= 0. */
    static double checkedScale(double scale) {
        if (!(scale >= 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("tool-time scale " + scale + " is not a finite number >= 0");
        }
        return scale;
    }

    /** The sessions with every turn's tool time from {@code source} (generated ones seeded by {@code seed}), scaled. */
    static List<Session> select(List<Session> sessions, ToolTimes source, long seed, double scale) {
        return scale(source.applyTo(sessions, seed), scale);
    }

    /** The sessions with every turn's tool time multiplied by {@code scale}, rounded to the millisecond. */
    static List<Session> scale(List<Session> sessions, double scale) {
        if (scale == 1) return List.copyOf(sessions);
        List<Session> scaled = new ArrayList<>(sessions.size());
        for (Session s : sessions) {
            List<Turn> turns = new ArrayList<>(s.turns().size());
            for (Turn t : s.turns()) {
                turns.add(t.withToolTimeMs(Math.round(t.toolTimeMs() * scale)));
            }
            scaled.add(new Session(s.sessionId(), s.language(), turns));
        }
        return List.copyOf(scaled);
    }
}
