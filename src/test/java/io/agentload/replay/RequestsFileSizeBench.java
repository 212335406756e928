package io.agentload.replay;

import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import tech.tablesaw.api.Row;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Bytes per request of a run folder's {@code requests.parquet} rewritten in other encodings, and per column, for
 * docs/run-folder.md "Size of a big search". Not a test: {@code java -cp ... io.agentload.replay.RequestsFileSizeBench
 * RUNDIR...} (finished searches' folders that kept every row: {@code --all-requests}). Variants, each written by
 * {@link RequestsFile}: every row; only the rows of requests in flight during each window; those of only the trials
 * the search reports ({@link SearchFiles#reported}), which a folder keeps by default beside {@code agents.parquet}.
 */
final class RequestsFileSizeBench {

    private RequestsFileSizeBench() {
    }

    public static void main(String[] args) throws IOException {
        Path tmp = Files.createTempDirectory("requests-size");
        for (String arg : args) {
            Path dir = Path.of(arg);
            List<RequestRecord> all = RequestsFile.read(dir.resolve(RequestLog.FILE));
            Map<Integer, double[]> windows = windows(dir);
            List<RequestRecord> window = all.stream()
                    .filter(r -> VirtualTimeDriver.inWindow(r, windows.get(r.trial())[1])).toList();
            System.out.printf("%s: %,d requests (%,d in flight during a window), file %,d bytes%n", dir, all.size(),
                    window.size(), Files.size(dir.resolve(RequestLog.FILE)));
            report("every row, as written now", tmp, all, all.size(), f -> RequestsFile.write(f, all, Map.of(),
                    CompressionCodecName.ZSTD, false));
            report("window rows only", tmp, window, all.size(), f -> RequestsFile.write(f, window, Map.of(),
                    CompressionCodecName.ZSTD, false));
            List<RequestRecord> sorted = new ArrayList<>(window);
            sorted.sort(Comparator.comparingInt(RequestRecord::trial).thenComparingDouble(RequestRecord::sendTime));
            report("window rows, sorted by send", tmp, sorted, all.size(), f -> RequestsFile.write(f, sorted, Map.of(),
                    CompressionCodecName.ZSTD, false));
            Set<Integer> reported = SearchFiles.reported(Run.open(dir).sloResult());
            List<RequestRecord> ofReported = window.stream().filter(r -> reported.contains(r.trial())).toList();
            report("window rows of the trials reported " + reported, tmp, ofReported, all.size(),
                    f -> RequestsFile.write(f, ofReported, Map.of(), CompressionCodecName.ZSTD, false));
        }
    }

    private interface Writer {
        void write(Path file) throws IOException;
    }

    private static void report(String name, Path tmp, List<RequestRecord> rows, int requests, Writer w)
            throws IOException {
        Path f = tmp.resolve("v.parquet");
        w.write(f);
        long bytes = Files.size(f);
        System.out.printf("  %-80s %,12d bytes, %6.1f B per row, %6.1f B per request%n", name, bytes,
                (double) bytes / rows.size(), (double) bytes / requests);
        TreeMap<String, Long> columns = new TreeMap<>();
        try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(f))) {
            for (BlockMetaData b : r.getFooter().getBlocks()) {
                for (ColumnChunkMetaData c : b.getColumns()) {
                    columns.merge(c.getPath().toDotString(), c.getTotalSize(), Long::sum);
                }
            }
        }
        StringBuilder line = new StringBuilder("     ");
        columns.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> line.append(String.format(" %s %.1f", e.getKey(), (double) e.getValue() / rows.size())));
        System.out.println(line);
        Files.delete(f);
    }

    /** Trial -> {start, window start} from trials.parquet. */
    private static Map<Integer, double[]> windows(Path dir) {
        Table t = Run.open(dir).readTable(TrialsTable.FILE);
        Map<Integer, double[]> out = new HashMap<>();
        for (Row row : t) out.put(row.getInt("trial"), new double[]{row.getDouble("start_s"), row.getDouble("window_start_s")});
        return out;
    }
}
