package io.agentload.notebook;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.FloatColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

import java.math.BigDecimal;
import java.math.MathContext;
import java.text.NumberFormat;

/**
 * A Tablesaw table as HTML for a notebook: every row of a short table; of a long one the first {@value #HEAD_ROWS}
 * and the last {@value #TAIL_ROWS} rows, with a "... N rows ..." line for those left out. The caption gives the
 * name and the full shape. A floating-point cell that would print with all of Java's digits
 * ({@code 0.16666666666666666}) shows {@value #SIGNIFICANT_DIGITS} significant digits ({@code 0.166667}), about what
 * pandas shows; a column given its own print formatter keeps it, and the table's values are never changed.
 */
final class TableHtml {

    static final int HEAD_ROWS = 20;
    static final int TAIL_ROWS = 5;
    static final int SIGNIFICANT_DIGITS = 6;

    private static final MathContext ROUNDING = new MathContext(SIGNIFICANT_DIGITS);

    private TableHtml() {
    }

    static String render(Table table) {
        int rows = table.rowCount();
        int columns = table.columnCount();
        boolean elided = rows > HEAD_ROWS + TAIL_ROWS;
        StringBuilder html = new StringBuilder("<table class=\"agentload-table\">\n<caption>");
        if (table.name() != null && !table.name().isBlank()) html.append(escape(table.name())).append(": ");
        html.append(count(rows, "row")).append(" × ").append(count(columns, "column")).append("</caption>\n");
        html.append("<thead><tr><th></th>");
        for (String name : table.columnNames()) html.append("<th>").append(escape(name)).append("</th>");
        html.append("</tr></thead>\n<tbody>\n");
        int head = elided ? HEAD_ROWS : rows;
        // Tablesaw's default for floating-point columns: every digit; a cell printed so gets significant digits instead.
        NumberFormat fullPrecision = NumberColumnFormatter.floatingPointDefault().getFormat();
        for (int row = 0; row < head; row++) appendRow(html, table, row, fullPrecision);
        if (elided) {
            html.append("<tr><td colspan=\"").append(columns + 1).append("\" style=\"text-align:center\">... ")
                    .append(count(rows - HEAD_ROWS - TAIL_ROWS, "row")).append(" ...</td></tr>\n");
            for (int row = rows - TAIL_ROWS; row < rows; row++) appendRow(html, table, row, fullPrecision);
        }
        return html.append("</tbody>\n</table>").toString();
    }

    private static void appendRow(StringBuilder html, Table table, int row, NumberFormat fullPrecision) {
        html.append("<tr><th>").append(row).append("</th>");
        for (int column = 0; column < table.columnCount(); column++) {
            html.append("<td>").append(escape(cell(table, row, column, fullPrecision))).append("</td>");
        }
        html.append("</tr>\n");
    }

    /** The cell as its column prints it, with full-precision floating-point text cut to significant digits. */
    private static String cell(Table table, int row, int column, NumberFormat fullPrecision) {
        String printed = table.getString(row, column);
        String shortest;
        if (table.column(column) instanceof DoubleColumn d) {
            shortest = Double.toString(d.getDouble(row));
        } else if (table.column(column) instanceof FloatColumn f) {
            shortest = Float.toString(f.getFloat(row));
        } else {
            return printed;
        }
        double value = Double.parseDouble(shortest);
        if (!Double.isFinite(value) || !printed.equals(fullPrecision.format(table.numberColumn(column).getDouble(row)))) {
            return printed;
        }
        return new BigDecimal(shortest).round(ROUNDING).stripTrailingZeros().toPlainString();
    }

    private static String count(int n, String noun) {
        return String.format("%,d %s%s", n, noun, n == 1 ? "" : "s");
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
