package io.agentload.bench;

import io.agentload.notebook.NotebookKernel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What a notebook user waits for, in process (no Jupyter messaging): a simple cell (JShell compiles and runs it),
 * rendering a chart as PNG and a 1,000-row table as HTML, and a kernel's start (JShell plus the default imports).
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Djava.awt.headless=true"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class NotebookKernelBench {

    private NotebookKernel kernel;

    @Setup(Level.Trial)
    public void start() {
        kernel = NotebookKernel.create();
        kernel.evalRaw("var chart = new XYChartBuilder().width(600).height(400).build();\n"
                + "chart.addSeries(\"p90 TTFT\", new double[] {1, 2, 4, 8, 16}, new double[] {0.2, 0.2, 0.3, 0.6, 1.4});\n"
                + "var table = Table.create(\"turns\", IntColumn.create(\"turn\", java.util.stream.IntStream.range(0, 1000).toArray()));");
    }

    @TearDown(Level.Trial)
    public void stop() {
        kernel.close();
    }

    @Benchmark
    public Object simpleCell() {
        return kernel.evalRaw("1 + 1");
    }

    @Benchmark
    public Object chartCell() {
        return kernel.eval("chart");
    }

    @Benchmark
    public Object tableCell() {
        return kernel.eval("table");
    }

    /** A fresh kernel each time: JShell's compiler warms up again, as in a new notebook session. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Warmup(iterations = 1)
    @Measurement(iterations = 5)
    public void kernelStart() {
        NotebookKernel.create().close();
    }
}
