package io.trawl.job.service;

import java.util.List;

/** RFC 4180 lines: fields with a comma, quote or line break are quoted, quotes doubled; CRLF ends a line. */
final class CsvFormat {

    private CsvFormat() {
    }

    static String line(List<String> fields) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            String f = fields.get(i) == null ? "" : fields.get(i);
            if (f.indexOf(',') >= 0 || f.indexOf('"') >= 0 || f.indexOf('\n') >= 0 || f.indexOf('\r') >= 0) {
                out.append('"').append(f.replace("\"", "\"\"")).append('"');
            } else {
                out.append(f);
            }
        }
        return out.append("\r\n").toString();
    }
}
