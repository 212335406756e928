package io.agentload.replay;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunTest {

    @TempDir
    Path tmp;

    private static List<RequestRecord> records(int trial, int count) {
        List<RequestRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            RequestRecord.Builder b = RequestRecordTest.ok().trial(trial, i % 3).turn("s" + i, i, 1000L + i)
                    .sendTime(i).tokenTimes(i + 0.5, i + 1.5).endTime(i + 1.6);
            if (i % 4 == 1) b.tokens(5000, -1, 9).interTokenLatencies(0.125f, 0.0625f);
            if (i % 4 == 2) {
                b = RequestRecord.builder().trial(trial, 1).turn("s" + i, 0, 5).phase(RequestRecord.Phase.WARM_UP)
                        .sendTime(i).endTime(i + 30).failed("timeout", "no first token within 30 s");
            }
            records.add(b.build());
        }
        return records;
    }

    /** What a run folder keeps of {@code records} by default: each request's gaps in brief, not the gaps. */
    private static List<RequestRecord> brief(List<RequestRecord> records) {
        return records.stream().map(RequestRecord::withoutInterTokenLatencies).toList();
    }

    private static List<Path> parts(Path run) throws IOException {
        Path dir = run.resolve("requests");
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void recordsRoundTripExactlyThroughRequestsParquet() throws IOException {
        Path dir = tmp.resolve("run");
        List<RequestRecord> written = records(0, 25);
        try (Run run = Run.builder(dir).config(new RunManifest.Fields(Map.of("agents", 8))).itlDetail(true).build()) {
            written.forEach(run::append);
            assertEquals(written, run.records(), "buffered records are visible before the flush");
        }
        assertTrue(Files.exists(dir.resolve("requests.parquet")));
        assertEquals(List.of(), parts(dir), "parts are deleted once compacted");
        assertFalse(Files.exists(dir.resolve("requests")), "and so is their emptied folder");
        assertEquals(written, Run.open(dir).records());
    }

    @Test
    void byDefaultEachRequestKeepsItsGapsInBriefAndEveryGapOnlyWhenAsked() throws IOException {
        List<RequestRecord> written = records(0, 25);
        Path brief = tmp.resolve("brief"), detail = tmp.resolve("detail");
        try (Run run = Run.builder(brief).build()) {
            written.forEach(run::append);
        }
        try (Run run = Run.builder(detail).itlDetail(true).build()) {
            written.forEach(run::append);
        }
        assertFalse(Run.open(brief).itlDetail());
        assertTrue(Run.open(detail).itlDetail());
        assertEquals(written, Run.open(detail).records());
        List<RequestRecord> read = Run.open(brief).records();
        assertEquals(brief(written), read);
        RequestRecord r = read.get(1);
        assertEquals(0, r.interTokenLatencies().length);
        assertEquals(2, r.interTokenLatencyCount());
        assertFalse(r.interTokenLatenciesKept());
        RequestRecord.ItlSummary itl = r.itl();
        assertEquals(0.09375f, itl.mean(), 0);
        assertEquals(0.09375f, itl.p50(), 0);
        assertEquals(0.11875f, itl.p90(), 1e-8);
        assertEquals(0.124375f, itl.p99(), 1e-8);
        assertEquals(0.125f, itl.max(), 0);
        assertEquals(RequestRecord.ItlSummary.EMPTY, read.get(0).itl());
        assertTrue(Files.size(brief.resolve("requests.parquet")) < Files.size(detail.resolve("requests.parquet")));
    }

    @Test
    void aRunFolderWrittenBeforeTheSummaryColumnsReadsAndResumesKeepingEveryGap() throws Exception {
        Path dir = tmp.resolve("format-1");
        Files.createDirectories(dir);
        Path fixture = Path.of(RunTest.class.getResource("/replay/run-format-1/run.json").toURI()).getParent();
        for (String f : List.of("run.json", "requests.parquet")) Files.copy(fixture.resolve(f), dir.resolve(f));
        List<RequestRecord> old = Run.open(dir).records();
        assertEquals(112, old.size());
        assertTrue(Run.open(dir).itlDetail(), "it kept every gap, and goes on keeping them");
        RequestRecord r = old.stream().filter(x -> x.interTokenLatencyCount() > 1).findFirst().orElseThrow();
        assertTrue(r.interTokenLatenciesKept());
        assertEquals(RequestRecord.ItlSummary.of(r.interTokenLatencies()), r.itl(), "the summary comes from the gaps");
        assertTrue(Double.isNaN(r.writtenTime()), "no upload time was recorded then");

        List<RequestRecord> more = records(9, 5);
        try (Run resumed = Run.resume(dir)) {
            more.forEach(resumed::append);
        }
        List<RequestRecord> all = new ArrayList<>(old);
        all.addAll(more);
        assertEquals(all, Run.open(dir).records(), "compaction keeps the old gaps and the new ones");
        assertFalse(Files.exists(dir.resolve("requests")));
    }

    @Test
    void aKilledRunKeepsEveryAppendedRecordAndResumes() throws IOException {
        Path dir = tmp.resolve("killed");
        List<RequestRecord> first = records(0, 7);
        Run run = Run.builder(dir).flushEvery(3, Duration.ofHours(1)).build();
        first.forEach(run::append);
        // Killed here: never closed. Two full parts of three are on disk; the seventh record is only in the journal.
        assertEquals(List.of("part-00000.parquet", "part-00001.parquet", "part-00002.journal"), names(parts(dir)));
        assertFalse(Files.exists(dir.resolve("requests.parquet")));
        assertEquals(brief(first), Run.open(dir).records(), "the journal is read as the part it stands for");

        List<RequestRecord> second = records(1, 5);
        try (Run resumed = Run.resume(dir)) {
            assertEquals(List.of("part-00000.parquet", "part-00001.parquet", "part-00002.parquet"), names(parts(dir)),
                    "resuming writes the journal as its part");
            assertEquals(brief(first), resumed.records());
            second.forEach(resumed::append);
        }
        List<RequestRecord> all = new ArrayList<>(brief(first));
        all.addAll(brief(second));
        assertEquals(all, Run.open(dir).records());
        assertEquals(List.of(), parts(dir));
        assertFalse(Files.exists(dir.resolve("requests")), "the emptied parts folder of a resumed run is removed");
        assertEquals(1, Run.open(dir).manifest().resumedAt().size());

        List<RequestRecord> third = records(2, 2);
        try (Run again = Run.resume(dir)) {
            third.forEach(again::append);
        }
        all.addAll(brief(third));
        assertEquals(all, Run.open(dir).records(), "a second compaction keeps the first one's records");
    }

    /** A simulated run's log journals nothing; its parts (plain-encoded) read back as the records appended. */
    @Test
    void aRunWithoutJournalWritesPartsOnlyAndTheyReadBackExactly() throws IOException {
        Path dir = tmp.resolve("unjournalled");
        List<RequestRecord> records = records(0, 7);
        try (Run run = Run.builder(dir).flushEvery(3, Duration.ofHours(1)).journalled(false).build()) {
            records.forEach(run::append);
            assertEquals(List.of("part-00000.parquet", "part-00001.parquet"), names(parts(dir)));
            run.flush();
            assertEquals(List.of("part-00000.parquet", "part-00001.parquet", "part-00002.parquet"), names(parts(dir)));
            assertEquals(brief(records), Run.open(dir).records());
        }
        assertEquals(brief(records), Run.open(dir).records());
        assertFalse(Files.exists(dir.resolve("requests")));
    }

    /** A simulated search drops the rows of the trials it does not report when its run closes, not before. */
    @Test
    void closingKeepsTheRecordsOfOnlyTheTrialsAskedFor() throws IOException {
        Path dir = tmp.resolve("kept");
        List<RequestRecord> zero = records(0, 5), one = records(1, 4), two = records(2, 3);
        List<RequestRecord> all = new ArrayList<>();
        try (Run run = Run.builder(dir).flushEvery(100, Duration.ofHours(1)).build()) {
            for (List<RequestRecord> trial : List.of(zero, one, two)) {
                trial.forEach(run::append);
                all.addAll(brief(trial));
                if (trial != two) run.flush();
            }
            run.keepRecordsOf(java.util.Set.of(1, 2));
            // Killed here, the folder keeps every trial's records: parts of trials 0 and 1, trial 2's journal.
            assertEquals(List.of("part-00000.parquet", "part-00001.parquet", "part-00002.journal"), names(parts(dir)));
            assertEquals(all, Run.open(dir).records());
        }
        List<RequestRecord> kept = new ArrayList<>(brief(one));
        kept.addAll(brief(two));
        assertEquals(kept, Run.open(dir).records());
        assertFalse(Files.exists(dir.resolve("requests")));
    }

    @Test
    void aJournalLineCutByAKillIsLeftOutAndABrokenLineIsNamed() throws IOException {
        Path dir = tmp.resolve("cut");
        List<RequestRecord> written = records(0, 3);
        Run run = Run.builder(dir).flushEvery(100, Duration.ofHours(1)).build();
        written.forEach(run::append);
        Path journal = dir.resolve("requests").resolve("part-00000.journal");
        String text = Files.readString(journal);
        String cut = text.substring(0, text.length() - 1);
        Files.writeString(journal, cut.substring(0, cut.lastIndexOf('\n') + 40));
        assertEquals(brief(written.subList(0, 2)), Run.open(dir).records());

        Files.writeString(journal, "{\"trial\":0}\n" + text);
        ReplayException broken = assertThrows(ReplayException.class, () -> Run.open(dir).records());
        assertEquals(journal + " line 1: not a request record: field agent is missing", broken.getMessage());
    }

    @Test
    void journalsKeepTheGapsOnlyWhenTheRunDoesAndJournalsOfOlderRunsStillRead() throws IOException {
        Path dir = tmp.resolve("journals");
        Run run = Run.builder(dir).flushEvery(100, Duration.ofHours(1)).build();
        records(0, 2).forEach(run::append);
        Path journal = dir.resolve("requests").resolve("part-00000.journal");
        String text = Files.readString(journal);
        assertFalse(text.contains("\"itl_s\""), text);
        assertTrue(text.contains("\"itl_count\":2,\"itl_mean_s\":0.09375,"), text);

        // A line as the journal wrote it before the summary fields existed: every gap, no summary.
        Files.writeString(journal, "{\"trial\":0,\"agent\":2,\"session_id\":\"s9\",\"turn\":3,\"salt\":7,"
                + "\"phase\":\"measured\",\"send_s\":1.0,\"first_byte_s\":1.25,\"first_token_s\":1.25,"
                + "\"last_token_s\":1.5,\"end_s\":1.5,\"input_tokens\":900,\"cached_tokens\":null,"
                + "\"output_tokens\":3,\"status\":\"ok\",\"error\":\"\",\"itl_s\":[0.125,0.0625]}\n");
        RequestRecord old = Run.open(dir).records().get(0);
        assertEquals(2, old.interTokenLatencies().length);
        assertEquals(0.125f, old.itl().max(), 0);
        assertEquals(0.09375f, old.itl().mean(), 0);
        assertTrue(Double.isNaN(old.writtenTime()), "no upload time was recorded then");
    }

    @Test
    void aJournalWhosePartWasWrittenIsNotReadTwice() throws IOException {
        Path dir = tmp.resolve("stale-journal");
        List<RequestRecord> written = records(0, 4);
        Run run = Run.builder(dir).flushEvery(2, Duration.ofHours(1)).build();
        written.subList(0, 3).forEach(run::append);
        Path journal = dir.resolve("requests").resolve("part-00001.journal");
        Files.copy(journal, tmp.resolve("saved.journal"));
        run.append(written.get(3));
        // As if killed between the part's rename and the journal's delete.
        Files.copy(tmp.resolve("saved.journal"), journal);
        assertEquals(brief(written), Run.open(dir).records());
        try (Run resumed = Run.resume(dir)) {
            assertEquals(brief(written), resumed.records());
        }
        assertEquals(brief(written), Run.open(dir).records());
        assertEquals(List.of(), parts(dir));
    }

    private static List<String> names(List<Path> files) {
        return files.stream().map(p -> p.getFileName().toString()).toList();
    }

    @Test
    void partsLeftBehindByACrashDuringCompactionAreNotReadTwice() throws IOException {
        Path dir = tmp.resolve("compaction");
        Path saved = tmp.resolve("saved.parquet");
        List<RequestRecord> written = records(0, 4);
        try (Run run = Run.builder(dir).flushEvery(2, Duration.ofHours(1)).build()) {
            written.forEach(run::append);
            Files.copy(parts(dir).get(0), saved);
        }
        Files.createDirectories(dir.resolve("requests"));
        Files.copy(saved, dir.resolve("requests").resolve("part-00000.parquet"), StandardCopyOption.REPLACE_EXISTING);
        assertEquals(brief(written), Run.open(dir).records());
        try (Run resumed = Run.resume(dir)) {
            resumed.append(records(1, 1).get(0));
        }
        assertEquals(5, Run.open(dir).records().size());
        assertEquals(List.of(), parts(dir));
    }

    @Test
    void driversMayAppendFromManyThreads() throws InterruptedException {
        Path dir = tmp.resolve("threads");
        try (Run run = Run.builder(dir).flushEvery(97, Duration.ofHours(1)).build()) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                List<RequestRecord> mine = records(t, 500);
                threads.add(Thread.ofVirtual().start(() -> mine.forEach(run::append)));
            }
            for (Thread t : threads) t.join();
        }
        List<RequestRecord> back = Run.open(dir).records();
        assertEquals(2000, back.size());
        for (int t = 0; t < 4; t++) {
            int trial = t;
            assertEquals(brief(records(t, 500)), back.stream().filter(r -> r.trial() == trial).toList(),
                    "each thread's records in its order");
        }
    }

    @Test
    void secretsNeverReachTheRunFolder() throws IOException {
        Path dir = tmp.resolve("secret");
        String key = "sk-proj-AbCdEf0123456789xyzSECRET";
        try (Run run = Run.builder(dir)
                .config(new RunManifest.Fields(Map.of("api_key", key, "api_key_env", "OPENAI_API_KEY",
                        "max_tokens", 512, "headers", List.of("Authorization: Bearer tok-123456", "X-Trace: 1"))))
                .endpoint(new RunManifest.HttpEndpoint(RunManifest.HttpEndpoint.KIND,
                        "https://alice:hunter2@example.test/v1?api_key=q-SECRET&x=1", "llama", "completions",
                        "OPENAI_API_KEY"))
                .hardware(new RunManifest.Fields(Map.of("system", "h200x8", "note", "key " + key)))
                .build()) {
            run.append(records(0, 1).get(0));
        }
        String manifest = Files.readString(dir.resolve("run.json"));
        for (String secret : List.of(key, "hunter2", "alice", "q-SECRET", "tok-123456")) {
            assertFalse(manifest.contains(secret), "run.json leaks " + secret + ":\n" + manifest);
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    assertFalse(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1)
                            .contains(secret), f + " leaks " + secret);
                }
            }
        }
        Run run = Run.open(dir);
        Map<String, Object> config = ((RunManifest.Fields) run.manifest().config()).fields();
        assertEquals("<redacted>", config.get("api_key"));
        assertEquals("OPENAI_API_KEY", config.get("api_key_env"));
        assertEquals(512, config.get("max_tokens"));
        assertEquals("Authorization: Bearer <redacted>", ((List<?>) config.get("headers")).get(0));
        assertEquals("https://example.test/v1?api_key=<redacted>&x=1",
                ((RunManifest.HttpEndpoint) run.manifest().endpoint()).url());
        Map<String, Object> hardware = ((RunManifest.Fields) run.manifest().hardware()).fields();
        assertEquals("h200x8", hardware.get("system"));
        assertEquals("key <redacted>", hardware.get("note"));
    }

    @Test
    void tablesRoundTripWithMissingValues() {
        Path dir = tmp.resolve("tables");
        Table t = Table.create("trials",
                IntColumn.create("agents", 1, 2),
                LongColumn.create("salt", 5L, Long.MAX_VALUE),
                DoubleColumn.create("share", 0.5, Double.NaN),
                BooleanColumn.create("passed", true, false),
                StringColumn.create("boundary", "gpu, modelled", ""));
        t.intColumn("agents").setMissing(1);
        try (Run run = Run.builder(dir).build()) {
            run.writeTable("trials.parquet", t);
            Table back = run.readTable("trials.parquet");
            assertEquals(List.of("agents", "salt", "share", "passed", "boundary"), back.columnNames());
            assertEquals(1, back.intColumn("agents").get(0));
            assertTrue(back.intColumn("agents").isMissing(1));
            assertEquals(Long.MAX_VALUE, back.longColumn("salt").get(1));
            assertEquals(0.5, back.doubleColumn("share").get(0));
            assertTrue(back.doubleColumn("share").isMissing(1));
            assertEquals(List.of(true, false), back.booleanColumn("passed").asList());
            assertEquals("gpu, modelled", back.stringColumn("boundary").get(0));
        }
    }

    @Test
    void badFoldersAndFilesGiveMessagesNamingThem() throws IOException {
        Path dir = tmp.resolve("bad");
        Run.builder(dir).build().close();
        ReplayException exists = assertThrows(ReplayException.class, () -> Run.builder(dir).build());
        assertTrue(exists.getMessage().contains(dir.toString()), exists.getMessage());
        ReplayException notRun = assertThrows(ReplayException.class, () -> Run.open(tmp.resolve("nothing")));
        assertTrue(notRun.getMessage().contains("run.json"), notRun.getMessage());
        assertThrows(ReplayException.class, () -> Run.open(dir).append(records(0, 1).get(0)));
        assertThrows(IllegalArgumentException.class, () -> Run.open(dir).writeText("../escape.html", "x"));
        Files.writeString(dir.resolve("requests.parquet"), "not parquet at all");
        ReplayException corrupt = assertThrows(ReplayException.class, () -> Run.open(dir).records());
        assertTrue(corrupt.getMessage().contains("requests.parquet"), corrupt.getMessage());
        Files.writeString(dir.resolve("run.json"), "{\"format\": ");
        ReplayException json = assertThrows(ReplayException.class, () -> Run.open(dir));
        assertTrue(json.getMessage().contains("run.json") && json.getMessage().contains("line: 1"), json.getMessage());
    }
}
