package io.agentload.replay;

import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.jspecify.annotations.Nullable;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Appends request records to a run folder while the run goes on, so that a crash keeps every appended record.
 *
 * <p>A Parquet file is only readable once its footer is written at close, so the log does not keep one file open:
 * each flush writes the buffered records as one complete small file {@code requests/part-NNNNN.parquet} (written
 * to a temporary file and renamed, so a part is either whole or absent). During a run, or after a crash, DuckDB and
 * pandas read the parts as one dataset ({@code requests/*.parquet}). Closing the log compacts everything into
 * {@code requests.parquet} (ZSTD), records in the footer the last part it holds ({@value #COMPACTED_THROUGH}), and then
 * deletes the parts, and the {@code requests/} folder once it is empty; a crash between the rename and the deletes
 * leaves parts that the footer marks as already compacted, so no record is ever read twice. A resumed log numbers its
 * parts after every existing one. Every file keeps each request's inter-token gaps in brief, and the gaps themselves
 * only when the log was opened to keep them ({@code keepGaps}, see {@link RequestsFile}).
 *
 * <p>Until its part is written, every record is also in that part's write-ahead journal
 * ({@code requests/part-NNNNN.journal}, see {@link RequestJournal}), written as it is appended: a killed process loses
 * no appended record (a simulated run's log keeps none: it is rerun, not resumed). Reading a run folder reads
 * journals whose part was never written as if they were that part; resuming writes them as their parts. A journal
 * whose part exists is left over from a kill between the part's rename and the journal's delete, and is ignored.
 *
 * <p>A flush happens when {@code maxBufferedRows} records are buffered or {@code flushIntervalNanos} of wall time
 * passed since the last one (checked on append), and on {@link #flush()}. The appending thread that triggers a flush
 * writes the part itself, outside the buffer's lock: other threads keep appending meanwhile, and a slow disk delays
 * only that thread. {@link #flush()} returns once everything appended before it is on disk. A part that cannot be
 * written puts its records back in the buffer and fails the call with a message naming the file. Thread-safe.
 */
final class RequestLog implements AutoCloseable {

    static final String FILE = "requests.parquet";
    static final String PARTS = "requests";
    static final String COMPACTED_THROUGH = "agentload.compacted_through_part";
    /** A part's footer field: the first and last trial of its records, {@code "3:5"}. */
    static final String TRIALS = "agentload.trials";
    private static final Pattern PART = Pattern.compile("part-(\\d+)(\\.parquet|\\.journal)");

    private final Path runDir;
    private final int maxBufferedRows;
    private final long flushIntervalNanos;
    private final boolean keepGaps;
    private final boolean journalled;
    private final Object writeLock = new Object();
    private List<RequestRecord> buffer = new ArrayList<>();
    private List<Path> bufferJournals = new ArrayList<>();
    private RequestJournal journal;
    private int writing;
    private int nextPart;
    private long lastFlush = System.nanoTime();
    private boolean closed;
    private @Nullable Set<Integer> keptTrials;

    RequestLog(Path runDir, int maxBufferedRows, long flushIntervalNanos, boolean keepGaps) {
        this(runDir, maxBufferedRows, flushIntervalNanos, keepGaps, true);
    }

    /**
     * A log whose records are journalled as they are appended, or not ({@code journalled} false): a simulated run's,
     * which appends a finished trial's records and flushes them at once on one thread, and is rerun rather than
     * resumed, so a journal would only be written and deleted.
     */
    RequestLog(Path runDir, int maxBufferedRows, long flushIntervalNanos, boolean keepGaps, boolean journalled) {
        this.runDir = runDir;
        this.maxBufferedRows = maxBufferedRows;
        this.flushIntervalNanos = flushIntervalNanos;
        this.keepGaps = keepGaps;
        this.journalled = journalled;
        State state = State.of(runDir);
        for (Map.Entry<Integer, Path> j : state.journals().entrySet()) {
            List<RequestRecord> recovered = RequestJournal.read(j.getValue());
            if (recovered.isEmpty()) continue;
            RequestsFile.write(partPath(runDir, j.getKey()), recovered, Map.of(), CompressionCodecName.UNCOMPRESSED,
                    keepGaps);
        }
        deleteParts(state.journals().values());
        deleteParts(state.staleJournals());
        this.nextPart = Math.max(state.compactedThrough(), state.lastNumber()) + 1;
    }

    /** A batch taken from the buffer, the part number it will be written to and the journals that hold it. */
    private record Batch(int part, List<RequestRecord> records, List<Path> journals) {
    }

    /** Buffers a record and writes a part when the buffer is full or the flush interval has passed. */
    void append(RequestRecord record) {
        Batch batch = null;
        synchronized (this) {
            if (closed) throw new ReplayException("the request log of " + runDir + " is closed");
            if (journalled) {
                if (journal == null) {
                    journal = RequestJournal.open(journalPath(runDir, nextPart), keepGaps);
                    bufferJournals.add(journal.file());
                }
                journal.append(record);
            }
            buffer.add(record);
            if (buffer.size() >= maxBufferedRows || System.nanoTime() - lastFlush >= flushIntervalNanos) {
                batch = take();
            }
        }
        if (batch != null) write(batch);
    }

    /** Writes every buffered record to disk and returns once everything appended so far is there. */
    void flush() {
        Batch batch;
        synchronized (this) {
            batch = take();
        }
        if (batch != null) write(batch);
        synchronized (this) {
            while (writing > 0) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ReplayException("interrupted while flushing the request log of " + runDir, e);
                }
            }
        }
    }

    /** Takes the buffer as the next part, or null when it is empty; the caller holds the lock. */
    private Batch take() {
        lastFlush = System.nanoTime();
        if (buffer.isEmpty()) return null;
        if (journal != null) {
            journal.close();
            journal = null;
        }
        Batch batch = new Batch(nextPart++, buffer, bufferJournals);
        buffer = new ArrayList<>();
        bufferJournals = new ArrayList<>();
        writing++;
        return batch;
    }

    private void write(Batch batch) {
        try {
            synchronized (writeLock) {
                RequestsFile.write(partPath(runDir, batch.part()), batch.records(), trialRange(batch.records()),
                        CompressionCodecName.UNCOMPRESSED, keepGaps);
            }
            deleteParts(batch.journals());
        } catch (RuntimeException e) {
            synchronized (this) {
                buffer.addAll(0, batch.records());
                bufferJournals.addAll(0, batch.journals());
            }
            throw e;
        } finally {
            synchronized (this) {
                writing--;
                notifyAll();
            }
        }
    }

    /** The footer field {@value #TRIALS} of a part holding {@code records}. */
    private static Map<String, String> trialRange(List<RequestRecord> records) {
        int first = Integer.MAX_VALUE, last = Integer.MIN_VALUE;
        for (RequestRecord r : records) {
            first = Math.min(first, r.trial());
            last = Math.max(last, r.trial());
        }
        return Map.of(TRIALS, first + ":" + last);
    }

    /**
     * Makes {@link #close()} keep only the records of {@code trials}, dropping every other trial's from the log (a
     * simulated search's trials it does not report, docs/run-folder.md "Size of a big search"). Until then the
     * records stay on disk, so a run killed before closing keeps them all.
     */
    synchronized void keepOnly(Set<Integer> trials) {
        keptTrials = Set.copyOf(trials);
    }

    /**
     * Flushes, then compacts {@code requests.parquet} and every part into {@code requests.parquet} (only the records
     * of the trials {@link #keepOnly kept}, if so asked) and removes the emptied {@code requests/} folder.
     */
    @Override
    public void close() {
        Set<Integer> kept;
        synchronized (this) {
            if (closed) return;
            closed = true;
            kept = keptTrials;
        }
        flush();
        State state = State.of(runDir);
        if (kept != null || !state.parts().isEmpty() || !Files.exists(runDir.resolve(FILE))) {
            List<RequestRecord> all = kept == null ? read(runDir) : read(runDir, kept);
            int through = state.parts().isEmpty() ? state.compactedThrough() : state.parts().lastKey();
            RequestsFile.write(runDir.resolve(FILE), all, Map.of(COMPACTED_THROUGH, Integer.toString(through)),
                    CompressionCodecName.ZSTD, keepGaps);
            deleteParts(state.parts().values());
        }
        deleteParts(state.stale());
        removePartsFolderIfEmpty();
    }

    /** Removes {@code requests/} when nothing is left in it; a folder still holding files stays. */
    private void removePartsFolderIfEmpty() {
        Path dir = runDir.resolve(PARTS);
        try {
            Files.deleteIfExists(dir);
        } catch (DirectoryNotEmptyException e) {
            // Files the log does not own (or parts of another process) stay, and so does their folder.
        } catch (IOException e) {
            throw new ReplayException("cannot remove the emptied folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Every appended record of a run folder: {@code requests.parquet} first, then the parts not yet compacted and the
     * journals of parts never written, by part number.
     */
    static List<RequestRecord> read(Path runDir) {
        State state = State.of(runDir);
        List<RequestRecord> records = new ArrayList<>();
        Path file = runDir.resolve(FILE);
        if (Files.exists(file)) records.addAll(RequestsFile.read(file));
        TreeMap<Integer, Path> pending = new TreeMap<>(state.parts());
        pending.putAll(state.journals());
        for (Path p : pending.values()) {
            records.addAll(p.getFileName().toString().endsWith(RequestJournal.SUFFIX)
                    ? RequestJournal.read(p) : RequestsFile.read(p));
        }
        return records;
    }

    /** As {@link #read(Path)}, only the records of {@code trials}; parts of none of them are not read at all. */
    private static List<RequestRecord> read(Path runDir, Set<Integer> trials) {
        State state = State.of(runDir);
        List<RequestRecord> records = new ArrayList<>();
        Path file = runDir.resolve(FILE);
        if (Files.exists(file)) records.addAll(ofTrials(RequestsFile.read(file), trials));
        TreeMap<Integer, Path> pending = new TreeMap<>(state.parts());
        pending.putAll(state.journals());
        for (Path p : pending.values()) {
            if (p.getFileName().toString().endsWith(RequestJournal.SUFFIX)) {
                records.addAll(ofTrials(RequestJournal.read(p), trials));
            } else if (mayHold(p, trials)) {
                records.addAll(ofTrials(RequestsFile.read(p), trials));
            }
        }
        return records;
    }

    private static List<RequestRecord> ofTrials(List<RequestRecord> records, Set<Integer> trials) {
        return records.stream().filter(r -> trials.contains(r.trial())).toList();
    }

    /** False when the part's footer says its records are of trials outside {@code trials}. */
    private static boolean mayHold(Path part, Set<Integer> trials) {
        String range = ParquetFiles.footer(part).get(TRIALS);
        if (range == null) return true;
        String[] ends = range.split(":", 2);
        int first = Integer.parseInt(ends[0]), last = Integer.parseInt(ends[1]);
        return trials.stream().anyMatch(t -> t >= first && t <= last);
    }

    private static Path partPath(Path runDir, int part) {
        return runDir.resolve(PARTS).resolve(String.format("part-%05d.parquet", part));
    }

    private static Path journalPath(Path runDir, int part) {
        return runDir.resolve(PARTS).resolve(String.format("part-%05d%s", part, RequestJournal.SUFFIX));
    }

    private void deleteParts(Iterable<Path> parts) {
        try {
            for (Path p : parts) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new ReplayException("cannot delete compacted parts in " + runDir.resolve(PARTS) + ": " + e.getMessage(), e);
        }
    }

    /**
     * What is on disk: the last part {@code requests.parquet} holds (-1 when none), the parts after it by number,
     * stale parts it already holds, the journals of parts never written by number, and journals whose part was
     * written (or compacted).
     */
    private record State(int compactedThrough, TreeMap<Integer, Path> parts, List<Path> stale,
                         TreeMap<Integer, Path> journals, List<Path> staleJournals) {

        /** The highest part number on disk, written or journalled; -1 when none. */
        int lastNumber() {
            int last = parts.isEmpty() ? -1 : parts.lastKey();
            return journals.isEmpty() ? last : Math.max(last, journals.lastKey());
        }

        static State of(Path runDir) {
            Path file = runDir.resolve(FILE);
            int through = -1;
            if (Files.exists(file)) {
                String value = ParquetFiles.footer(file).get(COMPACTED_THROUGH);
                if (value != null) {
                    try {
                        through = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        throw new ReplayException(file + ": footer field " + COMPACTED_THROUGH + " is '" + value + "'");
                    }
                }
            }
            TreeMap<Integer, Path> parts = new TreeMap<>();
            List<Path> stale = new ArrayList<>();
            TreeMap<Integer, Path> journals = new TreeMap<>();
            List<Path> staleJournals = new ArrayList<>();
            Path dir = runDir.resolve(PARTS);
            if (Files.isDirectory(dir)) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "part-*")) {
                    for (Path p : files) {
                        Matcher m = PART.matcher(p.getFileName().toString());
                        if (!m.matches()) continue;
                        int n = Integer.parseInt(m.group(1));
                        if (m.group(2).equals(RequestJournal.SUFFIX)) journals.put(n, p);
                        else if (n <= through) stale.add(p);
                        else parts.put(n, p);
                    }
                } catch (IOException e) {
                    throw new ReplayException("cannot list " + dir + ": " + e.getMessage(), e);
                }
            }
            for (Iterator<Map.Entry<Integer, Path>> it = journals.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Integer, Path> j = it.next();
                if (j.getKey() <= through || parts.containsKey(j.getKey())) {
                    staleJournals.add(j.getValue());
                    it.remove();
                }
            }
            return new State(through, parts, stale, journals, staleJournals);
        }
    }
}
