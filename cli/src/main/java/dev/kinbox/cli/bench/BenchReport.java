package dev.kinbox.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Prints benchmark results as a table (one column per subject) and renders them as JSON: a single
 * result is written as one flat object, several as {@code {"results": [...]}}; both carry
 * {@code target}, {@code finished} and {@code machine}.
 */
final class BenchReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String target;
    private final List<BenchResult> results;

    BenchReport(String target, List<BenchResult> results) {
        if (results.isEmpty()) throw new IllegalArgumentException("benchmark " + target + " produced no results");
        this.target = target;
        this.results = List.copyOf(results);
    }

    void printTable(PrintStream out) {
        Set<String> rows = new LinkedHashSet<>();
        List<Map<String, String>> columns = new ArrayList<>();
        for (BenchResult r : results) {
            Map<String, String> flat = new LinkedHashMap<>();
            flatten("", r.figures(), flat);
            rows.addAll(flat.keySet());
            columns.add(flat);
        }
        List<String> header = new ArrayList<>();
        header.add("figure");
        results.forEach(r -> header.add(r.subject()));
        List<List<String>> table = new ArrayList<>();
        table.add(header);
        for (String row : rows) {
            List<String> line = new ArrayList<>();
            line.add(row);
            columns.forEach(c -> line.add(c.getOrDefault(row, "-")));
            table.add(line);
        }
        int[] width = new int[header.size()];
        for (List<String> line : table) {
            for (int i = 0; i < line.size(); i++) width[i] = Math.max(width[i], line.get(i).length());
        }
        out.println("kinbox bench " + target);
        for (int r = 0; r < table.size(); r++) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < width.length; i++) {
                String cell = table.get(r).get(i);
                sb.append(i == 0 ? pad(cell, width[i], false) : "  " + pad(cell, width[i], true));
            }
            out.println(sb.toString().stripTrailing());
            if (r == 0) out.println("-".repeat(sb.length()));
        }
    }

    String toJson() throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("target", target);
        if (results.size() == 1) {
            root.putAll(results.get(0).figures());
        } else {
            List<Map<String, Object>> list = new ArrayList<>();
            results.forEach(r -> list.add(r.figures()));
            root.put("results", list);
        }
        root.put("finished", Instant.now().toString());
        root.put("machine", Machine.describe());
        return JSON.writeValueAsString(root);
    }

    void writeJson(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(file, toJson() + System.lineSeparator());
    }

    /**
     * Nested figures as rows: a map's entries as {@code key.sub}, a list of maps (simulate's sizes) as
     * {@code key[i].sub}, any other value as one cell of at most {@link #CELL} characters (the JSON has it whole).
     */
    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> in, Map<String, String> out) {
        for (Map.Entry<String, Object> e : in.entrySet()) {
            String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            Object v = e.getValue();
            if (v instanceof Map<?, ?> m) flatten(key, (Map<String, Object>) m, out);
            else if (v instanceof List<?> l && !l.isEmpty() && l.stream().allMatch(x -> x instanceof Map<?, ?>)) {
                for (int i = 0; i < l.size(); i++) flatten(key + "[" + i + "]", (Map<String, Object>) l.get(i), out);
            } else out.put(key, cell(format(v)));
        }
    }

    private static final int CELL = 60;

    private static String cell(String s) {
        return s.length() <= CELL ? s : s.substring(0, CELL - 3) + "...";
    }

    private static String format(Object v) {
        if (v instanceof Double d) return String.valueOf(Stats.round(d));
        if (v instanceof Float f) return String.valueOf(Stats.round(f));
        return String.valueOf(v);
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - s.length()));
        return right ? fill + s : s + fill;
    }
}
