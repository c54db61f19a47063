package dev.latchkey.benchmarks;

import java.util.Collection;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs every benchmark method of one JMH class with the forks and iterations a run asked for. */
final class JmhRuns {
    private JmhRuns() {
    }

    /**
     * @param benchmark the JMH class whose methods to run
     * @param forks forked JVMs
     * @param warmup warm-up iterations per fork
     * @param measure measured iterations per fork
     * @param seconds the length of each iteration
     * @return JMH's results; a benchmark that fails fails the run
     */
    static Collection<RunResult> run(Class<?> benchmark, int forks, int warmup, int measure, int seconds) throws RunnerException {
        return new Runner(new OptionsBuilder()
                .include(benchmark.getName() + "\\.")
                .shouldFailOnError(true)
                .forks(forks)
                .warmupIterations(warmup)
                .measurementIterations(measure)
                .warmupTime(TimeValue.seconds(seconds))
                .measurementTime(TimeValue.seconds(seconds))
                .build()).run();
    }
}
