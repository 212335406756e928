package io.agentload.replay;

import org.apache.parquet.hadoop.metadata.CompressionCodecName;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Appends request records to a run folder while the run goes on, so that a crash keeps every flushed record.
 *
 * <p>A Parquet file is only readable once its footer is written at close, so the log does not keep one file open:
 * each flush writes the buffered records as one complete small file {@code requests/part-NNNNN.parquet} (written
 * to a temporary file and renamed, so a part is either whole or absent). During a run, or after a crash, DuckDB and
 * pandas read the parts as one dataset ({@code requests/*.parquet}). Closing the log compacts everything into
 * {@code requests.parquet}, records in the footer the last part it holds ({@value #COMPACTED_THROUGH}), and then
 * deletes the parts; a crash between the rename and the deletes leaves parts that the footer marks as already
 * compacted, so no record is ever read twice. A resumed log numbers its parts after every existing one.
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
    private static final Pattern PART = Pattern.compile("part-(\\d+)\\.parquet");

    private final Path runDir;
    private final int maxBufferedRows;
    private final long flushIntervalNanos;
    private final Object writeLock = new Object();
    private List<RequestRecord> buffer = new ArrayList<>();
    private int writing;
    private int nextPart;
    private long lastFlush = System.nanoTime();
    private boolean closed;

    RequestLog(Path runDir, int maxBufferedRows, long flushIntervalNanos) {
        this.runDir = runDir;
        this.maxBufferedRows = maxBufferedRows;
        this.flushIntervalNanos = flushIntervalNanos;
        State state = State.of(runDir);
        this.nextPart = Math.max(state.compactedThrough(), state.parts().isEmpty() ? -1 : state.parts().lastKey()) + 1;
    }

    /** A batch taken from the buffer and the part number it will be written to. */
    private record Batch(int part, List<RequestRecord> records) {
    }

    /** Buffers a record and writes a part when the buffer is full or the flush interval has passed. */
    void append(RequestRecord record) {
        Batch batch = null;
        synchronized (this) {
            if (closed) throw new ReplayException("the request log of " + runDir + " is closed");
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
        Batch batch = new Batch(nextPart++, buffer);
        buffer = new ArrayList<>();
        writing++;
        return batch;
    }

    private void write(Batch batch) {
        try {
            synchronized (writeLock) {
                RequestsFile.write(partPath(runDir, batch.part()), batch.records(), Map.of(),
                        CompressionCodecName.UNCOMPRESSED);
            }
        } catch (RuntimeException e) {
            synchronized (this) {
                buffer.addAll(0, batch.records());
            }
            throw e;
        } finally {
            synchronized (this) {
                writing--;
                notifyAll();
            }
        }
    }

    /** Flushes, then compacts {@code requests.parquet} and every part into {@code requests.parquet}. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        flush();
        State state = State.of(runDir);
        if (state.parts().isEmpty() && Files.exists(runDir.resolve(FILE))) {
            deleteParts(state.stale());
            return;
        }
        List<RequestRecord> all = read(runDir);
        int through = state.parts().isEmpty() ? state.compactedThrough() : state.parts().lastKey();
        RequestsFile.write(runDir.resolve(FILE), all, Map.of(COMPACTED_THROUGH, Integer.toString(through)),
                CompressionCodecName.SNAPPY);
        deleteParts(state.stale());
        deleteParts(state.parts().values());
    }

    /** Every flushed record of a run folder: {@code requests.parquet} first, then parts not yet compacted. */
    static List<RequestRecord> read(Path runDir) {
        State state = State.of(runDir);
        List<RequestRecord> records = new ArrayList<>();
        Path file = runDir.resolve(FILE);
        if (Files.exists(file)) records.addAll(RequestsFile.read(file));
        for (Path part : state.parts().values()) records.addAll(RequestsFile.read(part));
        return records;
    }

    private static Path partPath(Path runDir, int part) {
        return runDir.resolve(PARTS).resolve(String.format("part-%05d.parquet", part));
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
     * and stale parts it already holds.
     */
    private record State(int compactedThrough, TreeMap<Integer, Path> parts, List<Path> stale) {

        static State of(Path runDir) {
            Path file = runDir.resolve(FILE);
            int through = -1;
            if (Files.exists(file)) {
                String value = ParquetFiles.footer(file).metadata().get(COMPACTED_THROUGH);
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
            Path dir = runDir.resolve(PARTS);
            if (Files.isDirectory(dir)) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "part-*.parquet")) {
                    for (Path p : files) {
                        Matcher m = PART.matcher(p.getFileName().toString());
                        if (!m.matches()) continue;
                        int n = Integer.parseInt(m.group(1));
                        if (n <= through) stale.add(p);
                        else parts.put(n, p);
                    }
                } catch (IOException e) {
                    throw new ReplayException("cannot list " + dir + ": " + e.getMessage(), e);
                }
            }
            return new State(through, parts, stale);
        }
    }
}
