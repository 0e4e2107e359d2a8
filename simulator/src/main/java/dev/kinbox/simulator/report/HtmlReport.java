package dev.kinbox.simulator.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinbox.simulator.run.RunResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

/** One self-contained HTML page: the summary table of {@code report.json} and the charts inlined as base64 PNG. */
public final class HtmlReport {
    private HtmlReport() {}

    public static String render(RunResult r, Map<String, byte[]> pngs) {
        return render(r, pngs, java.util.Optional.empty());
    }

    /** As {@link #render(RunResult, Map)}, naming the run's trace. */
    public static String render(RunResult r, Map<String, byte[]> pngs, java.util.Optional<java.nio.file.Path> trace) {
        ObjectNode json = ReportJson.of(r, trace);
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Kinbox simulation, seed ").append(r.seed())
                .append("</title>\n<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
                        + "td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}.bad{color:#b00}.ok{color:#070}</style></head><body>\n");
        h.append("<h1>Kinbox simulation</h1>\n<p class=\"").append(r.ok() ? "ok\">All checked invariants hold." : "bad\">Invariants violated.")
                .append("</p>\n<table>\n");
        json.fields().forEachRemaining(e -> {
            if (e.getKey().equals("violations") || e.getKey().equals("notes") || e.getKey().equals("first_violations")) return;
            h.append("<tr><th>").append(esc(e.getKey())).append("</th><td>").append(esc(flat(e.getValue()))).append("</td></tr>\n");
        });
        h.append("</table>\n");
        if (!r.firstViolations().isEmpty()) {
            h.append("<h2 class=\"bad\">First seen violated</h2>\n<table>\n<tr><th>invariant</th><th>seconds</th><th>phase</th><th>account</th>"
                    + "<th>devices</th><th>detail</th></tr>\n");
            for (var f : r.firstViolations()) {
                h.append("<tr><td>").append(esc(f.invariant())).append("</td><td>").append(String.format("%.1f", f.seconds())).append("</td><td>")
                        .append(esc(f.phase())).append("</td><td>").append(esc(f.violation().accountId())).append("</td><td>")
                        .append(esc(String.join(", ", f.violation().devices()))).append("</td><td>").append(esc(f.violation().detail())).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        if (!r.check().violations().isEmpty()) {
            h.append("<h2 class=\"bad\">Violations</h2>\n<pre>").append(esc(json.get("violations").toPrettyString())).append("</pre>\n");
        }
        if (!r.notes().isEmpty()) h.append("<h2>Notes</h2>\n<pre>").append(esc(String.join("\n", r.notes()))).append("</pre>\n");
        for (var e : pngs.entrySet()) {
            h.append("<h2>").append(esc(e.getKey())).append("</h2>\n<img alt=\"").append(esc(e.getKey()))
                    .append("\" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(e.getValue())).append("\">\n");
        }
        return h.append("</body></html>\n").toString();
    }

    public static Path write(RunResult r, Map<String, byte[]> pngs, Path file) throws IOException {
        return write(r, pngs, file, java.util.Optional.empty());
    }

    public static Path write(RunResult r, Map<String, byte[]> pngs, Path file, java.util.Optional<Path> trace) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        return Files.writeString(file, render(r, pngs, trace), StandardCharsets.UTF_8);
    }

    private static String flat(JsonNode n) {
        if (!n.isContainerNode()) return n.asText();
        if (n.isArray()) {
            StringBuilder b = new StringBuilder();
            n.elements().forEachRemaining(x -> b.append(b.length() == 0 ? "" : ", ").append(flat(x)));
            return b.toString();
        }
        StringBuilder b = new StringBuilder();
        n.fields().forEachRemaining(e -> b.append(b.length() == 0 ? "" : ", ").append(e.getKey()).append(": ").append(flat(e.getValue())));
        return b.toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
