package dev.kinbox.simulator.report;

import dev.kinbox.simulator.run.RunResult;
import dev.kinbox.simulator.run.Sample;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The run's charts as PNG (xchart): convergence lag, running and paired devices, events per second and
 * store messages per account, each over real seconds of the run.
 */
public final class Charts {
    private static final int WIDTH = 800;
    private static final int HEIGHT = 360;

    private Charts() {}

    /** File name -> PNG bytes, in display order. */
    public static Map<String, byte[]> render(RunResult r) throws IOException {
        List<Sample> t = r.timeline();
        Map<String, byte[]> out = new LinkedHashMap<>();
        List<Double> lx = new ArrayList<>();
        List<Double> ly = new ArrayList<>();
        for (Sample s : t) {
            if (s.lagMaxMs() >= 0) {
                lx.add(s.seconds());
                ly.add(s.lagMaxMs());
            }
        }
        out.put("convergence-lag.png", png(chart("Convergence lag (largest resolved per sample)", "ms", "lag ms", lx, ly)));
        out.put("devices.png", png(devices(t)));
        List<Double> ex = new ArrayList<>();
        List<Double> ey = new ArrayList<>();
        Sample from = t.isEmpty() ? null : t.get(0);
        for (Sample s : t) { // over windows of at least a second: 100 ms samples alone are mostly noise
            double dt = s.seconds() - from.seconds();
            if (dt < 1.0) continue;
            ex.add(s.seconds());
            ey.add((s.eventsApplied() - from.eventsApplied()) / dt);
            from = s;
        }
        out.put("events-per-second.png", png(chart("Events applied per second (all devices, 1 s windows)", "events/s", "events/s", ex, ey)));
        out.put("store-messages.png", png(chart("Messages in the fullest account mailbox", "messages", "messages", xs(t),
                map(t, s -> (double) s.storeMessagesMax()))));
        return out;
    }

    /** Running devices and, of them, those paired in their own state (a newcomer still pairing is not), over the run. */
    static XYChart devices(List<Sample> t) {
        XYChart c = chart("Running and paired devices", "devices", "running", xs(t), map(t, s -> (double) s.running()));
        if (!t.isEmpty()) {
            c.addSeries("paired (in their own state)", xs(t), map(t, s -> (double) s.paired())).setMarker(SeriesMarkers.NONE);
            c.getStyler().setLegendVisible(true);
        }
        return c;
    }

    /** Writes {@link #render}'s PNGs into {@code dir}; returns the files. */
    public static List<Path> write(Map<String, byte[]> pngs, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        for (var e : pngs.entrySet()) files.add(Files.write(dir.resolve(e.getKey()), e.getValue()));
        return files;
    }

    private static XYChart chart(String title, String yTitle, String series, List<Double> x, List<Double> y) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("seconds").yAxisTitle(yTitle).build();
        c.getStyler().setLegendVisible(false);
        if (x.isEmpty()) { // xchart refuses empty series: draw one point at zero and say so in the title
            c.setTitle(title + " - no data");
            x = List.of(0.0);
            y = List.of(0.0);
        }
        c.addSeries(series, x, y).setMarker(SeriesMarkers.NONE);
        return c;
    }

    private static byte[] png(XYChart c) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        BitmapEncoder.saveBitmap(c, b, BitmapEncoder.BitmapFormat.PNG);
        return b.toByteArray();
    }

    private static List<Double> xs(List<Sample> t) { return map(t, Sample::seconds); }

    private static List<Double> map(List<Sample> t, java.util.function.ToDoubleFunction<Sample> f) {
        List<Double> out = new ArrayList<>();
        for (Sample s : t) out.add(f.applyAsDouble(s));
        return out;
    }
}
