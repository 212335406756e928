package io.agentload.trajectory;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

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
 * Writes a turn table as JSON Lines: one object per turn, keyed by column name; hash_ids only when present, the parent
 * fields only on a subagent's turns, compaction on every turn when the table needs the column.
 */
final class JsonlTurnWriter {

    /** No separator between root values: each line ends with the newline written after its object. */
    private static final JsonFactory JSON = new JsonFactoryBuilder().rootValueSeparator((String) null).build();

    private JsonlTurnWriter() {
    }

    static void write(TurnColumns c, Path file) throws IOException {
        boolean compactions = c.hasCompactions();
        try (OutputStream out = new BufferedOutputStream(
                Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 1 << 16);
             JsonGenerator json = JSON.createGenerator(out)) {
            for (int row = 0; row < c.rowCount(); row++) {
                json.writeStartObject();
                json.writeStringField(SESSION_ID, c.sessionId.get(row));
                json.writeNumberField(TURN, c.turn.getInt(row));
                json.writeStringField(LANGUAGE, c.language.get(row));
                json.writeNumberField(INPUT_TOKENS, c.inputTokens.getInt(row));
                json.writeNumberField(REUSED_TOKENS, c.reusedTokens.getInt(row));
                json.writeStringField(SHARED_PREFIX_ID, c.sharedPrefixId.get(row));
                json.writeNumberField(SHARED_PREFIX_TOKENS, c.sharedPrefixTokens.getInt(row));
                json.writeNumberField(OUTPUT_TOKENS, c.outputTokens.getInt(row));
                json.writeNumberField(TOOL_TIME_MS, c.toolTimeMs.getLong(row));
                if (!c.parentSessionId(row).isEmpty()) {
                    json.writeStringField(PARENT_SESSION_ID, c.parentSessionId(row));
                    json.writeNumberField(PARENT_TURN, c.parentTurn(row));
                }
                if (compactions) json.writeBooleanField(COMPACTION, c.compaction(row));
                long[] hashIds = c.hashIds(row);
                if (hashIds.length > 0) {
                    json.writeFieldName(HASH_IDS);
                    json.writeArray(hashIds, 0, hashIds.length);
                }
                json.writeEndObject();
                json.writeRaw('\n');
            }
        }
    }
}
