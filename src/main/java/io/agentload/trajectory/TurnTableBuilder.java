package io.agentload.trajectory;

import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import static io.agentload.trajectory.Trajectories.COMPACTION;
import static io.agentload.trajectory.Trajectories.HASH_IDS;
import static io.agentload.trajectory.Trajectories.INPUT_TOKENS;
import static io.agentload.trajectory.Trajectories.LANGUAGE;
import static io.agentload.trajectory.Trajectories.OUTPUT_TOKENS;
import static io.agentload.trajectory.Trajectories.PARENT_SESSION_ID;
import static io.agentload.trajectory.Trajectories.PARENT_TURN;
import static io.agentload.trajectory.Trajectories.REUSED_TOKENS;
import static io.agentload.trajectory.Trajectories.SESSION_ID;
import static io.agentload.trajectory.Trajectories.SHARED_PREFIX_ID;
import static io.agentload.trajectory.Trajectories.SHARED_PREFIX_TOKENS;
import static io.agentload.trajectory.Trajectories.TOOL_TIME_MS;
import static io.agentload.trajectory.Trajectories.TURN;

/**
 * Collects turns row by row into a turn table. The optional columns are kept only when some turn needs them: hash_ids
 * when some turn has hash ids, the parent columns when some turn has a parent, compaction when some turn compacts
 * or a later turn reuses nothing without compacting.
 */
final class TurnTableBuilder {

    private final StringColumn sessionId = StringColumn.create(SESSION_ID);
    private final IntColumn turn = IntColumn.create(TURN);
    private final StringColumn language = StringColumn.create(LANGUAGE);
    private final IntColumn inputTokens = IntColumn.create(INPUT_TOKENS);
    private final IntColumn reusedTokens = IntColumn.create(REUSED_TOKENS);
    private final StringColumn sharedPrefixId = StringColumn.create(SHARED_PREFIX_ID);
    private final IntColumn sharedPrefixTokens = IntColumn.create(SHARED_PREFIX_TOKENS);
    private final IntColumn outputTokens = IntColumn.create(OUTPUT_TOKENS);
    private final LongColumn toolTimeMs = LongColumn.create(TOOL_TIME_MS);
    private final StringColumn hashIds = StringColumn.create(HASH_IDS);
    private final StringColumn parentSessionId = StringColumn.create(PARENT_SESSION_ID);
    private final IntColumn parentTurn = IntColumn.create(PARENT_TURN);
    private final BooleanColumn compaction = BooleanColumn.create(COMPACTION);
    private boolean anyHashIds;
    private boolean anyParent;
    private boolean anyCompaction;

    void add(Turn t) {
        sessionId.append(t.sessionId());
        turn.append(t.turn());
        language.append(t.language());
        inputTokens.append(t.inputTokens());
        reusedTokens.append(t.reusedTokens());
        sharedPrefixId.append(t.sharedPrefixId());
        sharedPrefixTokens.append(t.sharedPrefixTokens());
        outputTokens.append(t.outputTokens());
        toolTimeMs.append(t.toolTimeMs());
        anyHashIds |= !t.hashIds().isEmpty();
        hashIds.append(TurnColumns.formatHashIds(t.hashIds().stream().mapToLong(Long::longValue).toArray()));
        parentSessionId.append(t.parentSessionId());
        parentTurn.append(t.parentTurn());
        compaction.append(t.compaction());
        anyParent |= t.subagent();
        anyCompaction |= t.compaction() || Turn.impliedCompaction(t.turn(), t.reusedTokens());
    }

    Table build(String name) {
        Table table = Table.create(name, sessionId, turn, language, inputTokens, reusedTokens, sharedPrefixId,
                sharedPrefixTokens, outputTokens, toolTimeMs);
        if (anyParent) table.addColumns(parentSessionId, parentTurn);
        if (anyCompaction) table.addColumns(compaction);
        return anyHashIds ? table.addColumns(hashIds) : table;
    }
}
