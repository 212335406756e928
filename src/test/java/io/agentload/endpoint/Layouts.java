package io.agentload.endpoint;

import io.agentload.trajectory.PromptLayout;
import io.agentload.trajectory.Session;
import io.agentload.trajectory.Turn;

import java.util.ArrayList;
import java.util.List;

/** Prompt layouts of small sessions for the tests. */
final class Layouts {

    private Layouts() {
    }

    /**
     * The layouts of a session with a shared prefix of {@code sharedPrefix} tokens; each turn is {input, reused, output}.
     */
    static List<PromptLayout> session(String id, int sharedPrefix, int[]... turns) {
        List<Turn> list = new ArrayList<>();
        for (int k = 0; k < turns.length; k++) {
            list.add(new Turn(id, k, "java", turns[k][0], turns[k][1], "harness", sharedPrefix, turns[k][2], 0, List.of()));
        }
        return PromptLayout.of(new Session(id, "java", list));
    }

    /** One turn-0 layout of {@code input} tokens, {@code sharedPrefix} of them shared. */
    static PromptLayout single(int input, int sharedPrefix) {
        return session("s1", sharedPrefix, new int[] {input, 0, 10}).get(0);
    }
}
