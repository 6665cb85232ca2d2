package io.trawl.e2e;

import java.util.ArrayList;
import java.util.List;

/** A strict RFC 4180 reader (quoted fields, doubled quotes, CRLF or LF line ends) for checking the CSV export. */
final class Csv {

    private Csv() {
    }

    static List<List<String>> parse(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        boolean inQuotes = false;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (inQuotes) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        cell.append('"');
                        i += 2;
                        continue;
                    }
                    inQuotes = false;
                } else {
                    cell.append(c);
                }
                i++;
                continue;
            }
            switch (c) {
                case '"' -> {
                    if (cell.length() > 0) {
                        throw new IllegalArgumentException("quote inside an unquoted cell at offset " + i);
                    }
                    inQuotes = true;
                    quoted = true;
                }
                case ',' -> {
                    row.add(cell.toString());
                    cell.setLength(0);
                    quoted = false;
                }
                case '\r' -> {
                    // part of CRLF
                }
                case '\n' -> {
                    row.add(cell.toString());
                    rows.add(row);
                    row = new ArrayList<>();
                    cell.setLength(0);
                    quoted = false;
                }
                default -> {
                    if (quoted) {
                        throw new IllegalArgumentException("text after a closing quote at offset " + i);
                    }
                    cell.append(c);
                }
            }
            i++;
        }
        if (inQuotes) {
            throw new IllegalArgumentException("unterminated quoted cell");
        }
        if (cell.length() > 0 || !row.isEmpty()) {
            row.add(cell.toString());
            rows.add(row);
        }
        return rows;
    }
}
