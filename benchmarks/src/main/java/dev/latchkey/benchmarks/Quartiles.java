package dev.latchkey.benchmarks;

import java.util.Arrays;
import java.util.Locale;

/** The median and interquartile range the benchmarks report. */
final class Quartiles {
    private Quartiles() {
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /**
     * The median and the interquartile range, as {@code "m (q1–q3)"}.
     *
     * @param values the values (not changed)
     * @param format the format of each number, for example {@code "%.3f"}
     */
    static String summary(double[] values, String format) {
        double[] s = values.clone();
        Arrays.sort(s);
        return String.format(Locale.ROOT, format + " (" + format + "–" + format + ")", median(s), s[s.length / 4], s[(3 * s.length) / 4]);
    }
}
