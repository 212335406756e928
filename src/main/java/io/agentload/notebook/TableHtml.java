package io.agentload.notebook;

import tech.tablesaw.api.Table;

/**
 * A Tablesaw table as HTML for a notebook: every row of a short table; of a long one the first {@value #HEAD_ROWS}
 * and the last {@value #TAIL_ROWS} rows, with a "... N rows ..." line for those left out. The caption gives the
 * name and the full shape.
 */
final class TableHtml {

    static final int HEAD_ROWS = 20;
    static final int TAIL_ROWS = 5;

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
        for (int row = 0; row < head; row++) appendRow(html, table, row);
        if (elided) {
            html.append("<tr><td colspan=\"").append(columns + 1).append("\" style=\"text-align:center\">... ")
                    .append(count(rows - HEAD_ROWS - TAIL_ROWS, "row")).append(" ...</td></tr>\n");
            for (int row = rows - TAIL_ROWS; row < rows; row++) appendRow(html, table, row);
        }
        return html.append("</tbody>\n</table>").toString();
    }

    private static void appendRow(StringBuilder html, Table table, int row) {
        html.append("<tr><th>").append(row).append("</th>");
        for (int column = 0; column < table.columnCount(); column++) {
            html.append("<td>").append(escape(table.getString(row, column))).append("</td>");
        }
        html.append("</tr>\n");
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
