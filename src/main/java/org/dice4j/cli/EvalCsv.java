package org.dice4j.cli;

import org.dice4j.MetricResult;

/**
 * The results CSV of {@code eval}, as RFC 4180 writes it: every record ends with CRLF, and a field holding a comma,
 * a double quote, CR or LF is quoted, its quotes doubled. The file name, the only text cell, is also made safe for
 * spreadsheets: one starting with {@code =}, {@code +}, {@code -}, {@code @}, tab or CR gets a leading {@code '}, so
 * that it is shown rather than run as a formula. Number cells are written as they are (none is negative).
 */
final class EvalCsv {
    static final String HEADER = "file,image,class,dice,iou,intersection,predicted,target";
    /** The header with a labelling: nnU-Net's counts per (file, label or region). */
    static final String LABEL_HEADER = "file,label,name,dice,iou,tp,fp,fn,tn,n_pred,n_ref";
    private static final String RECORD_END = "\r\n";
    private static final String FORMULA_STARTS = "=+-@\t\r";

    private final StringBuilder text;

    /** A CSV of the library's classes (null), or of the labels or regions of {@code labelling}. */
    EvalCsv(Labelling labelling) {
        text = new StringBuilder(labelling == null ? HEADER : LABEL_HEADER).append(RECORD_END);
    }

    /** One record per label or region of {@code scored}, in the labelling's order. */
    void add(String name, Labelling labelling, NnUnetSummary.Case scored) {
        String file = textCell(name);
        for (int r = 0; r < labelling.regions().size(); r++) {
            Labelling.Region region = labelling.regions().get(r);
            LabelPairs.Counts counts = scored.counts().get(r);
            text.append(file).append(',').append(textCell(region.key())).append(',').append(textCell(region.name()))
                    .append(',').append(number(NnUnetSummary.dice(counts))).append(',')
                    .append(number(NnUnetSummary.iou(counts))).append(',').append(counts.tp()).append(',')
                    .append(counts.fp()).append(',').append(counts.fn()).append(',').append(counts.tn()).append(',')
                    .append(counts.tp() + counts.fp()).append(',').append(counts.tp() + counts.fn()).append(RECORD_END);
        }
    }

    /** One record per (image, class) of {@code result}, the pair's file name in the first field. */
    void add(String name, MetricResult result) {
        double[][] dice = result.dice();
        double[][] iou = result.iou();
        long[][] intersection = result.intersection();
        long[][] predicted = result.predicted();
        long[][] target = result.target();
        String file = textCell(name);
        for (int n = 0; n < dice.length; n++) {
            for (int column = 0; column < dice[n].length; column++) {
                text.append(file).append(',').append(n).append(',').append(column + result.firstClass()).append(',')
                        .append(number(dice[n][column])).append(',').append(number(iou[n][column])).append(',')
                        .append(intersection[n][column]).append(',').append(predicted[n][column]).append(',')
                        .append(target[n][column]).append(RECORD_END);
            }
        }
    }

    /** The header and every record added so far. */
    String text() {
        return text.toString();
    }

    /** A text field: a leading {@code '} if a spreadsheet would take it for a formula, then quoted if it must be. */
    static String textCell(String value) {
        String shown = !value.isEmpty() && FORMULA_STARTS.indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        boolean quoted = shown.chars().anyMatch(ch -> ch == ',' || ch == '"' || ch == '\r' || ch == '\n');
        return quoted ? '"' + shown.replace("\"", "\"\"") + '"' : shown;
    }

    private static String number(double value) {
        return Double.isNaN(value) ? "NaN" : Double.toString(value);
    }
}
