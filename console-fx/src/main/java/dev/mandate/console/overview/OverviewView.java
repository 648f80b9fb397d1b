package dev.mandate.console.overview;

import javafx.beans.value.ObservableStringValue;
import javafx.geometry.Insets;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.VBox;

import java.time.Instant;
import java.util.List;

/**
 * The first tab: what the broker holds, how it is (health, event stream, nodes), and its rates over the last
 * 15 minutes as one chart. Builds and binds controls; the data is {@link OverviewViewModel}'s.
 */
public final class OverviewView extends BorderPane {

    private final LineChart<Number, Number> chart;

    /** {@code health}: lines that say how the broker is (the status bar's), shown here too. */
    public OverviewView(OverviewViewModel vm, List<ObservableStringValue> health) {
        FlowPane counts = new FlowPane(12, 12);
        counts.setId("overview-counts");
        for (var line : List.of(vm.agents(), vm.tokens(), vm.apps(), vm.keys())) {
            counts.getChildren().add(tile(line));
        }
        FlowPane state = new FlowPane(12, 12);
        state.setId("overview-health");
        health.forEach(line -> state.getChildren().add(tile(line)));
        Label message = new Label();
        message.setId("overview-message");
        message.textProperty().bind(vm.message());

        // The window is the history there is, up to the broker's 15 minutes (a broker just started has less).
        NumberAxis minutes = new NumberAxis();
        minutes.setForceZeroInRange(true);
        minutes.setLabel("minutes ago");
        NumberAxis perSecond = new NumberAxis();
        perSecond.setLabel("per second");
        chart = new LineChart<>(minutes, perSecond);
        chart.setId("overview-rates");
        chart.setTitle("Rates over the last 15 minutes (this node)");
        chart.setAnimated(false);        // redrawn every 10 s: no animation on the FX thread
        chart.setCreateSymbols(false);
        // Redrawn only while on screen (its tab selected); a change meanwhile is drawn when it shows.
        vm.series().addListener((o, was, now) -> {
            if (dev.mandate.console.fx.OnScreen.test(this)) {
                show(now);
            } else {
                stale = true;
            }
        });
        this.vm = vm;
        show(vm.series().get());

        VBox top = new VBox(12, counts, state, message);
        top.setPadding(new Insets(12));
        setTop(top);
        setCenter(chart);
    }

    private final OverviewViewModel vm;
    private boolean stale;
    /** The chart's lines by name, kept across redraws: only their points change. */
    private final java.util.Map<String, XYChart.Series<Number, Number>> lines = new java.util.HashMap<>();

    /** Call when this view becomes visible (its tab selected): draws what changed while it was not. */
    public void shown() {
        if (stale) {
            stale = false;
            show(vm.series().get());
        }
    }

    private void show(List<OverviewViewModel.Series> all) {
        long now = Instant.now().getEpochSecond();
        for (OverviewViewModel.Series s : all) {
            XYChart.Series<Number, Number> line = lines.computeIfAbsent(s.name(), name -> {
                XYChart.Series<Number, Number> created = new XYChart.Series<>();
                created.setName(name);
                chart.getData().add(created);
                return created;
            });
            List<XYChart.Data<Number, Number>> points = new java.util.ArrayList<>(s.points().size());
            for (OverviewViewModel.Point p : s.points()) {
                points.add(new XYChart.Data<>((p.epochSecond() - now) / 60.0, p.perSecond()));
            }
            line.getData().setAll(points);
        }
    }

    /** A tile for a line of text; a line with nothing to say (no cluster: no nodes) takes no room. */
    private static Label tile(ObservableStringValue text) {
        Label l = new Label();
        l.textProperty().bind(text);
        l.getStyleClass().add("overview-tile");
        l.visibleProperty().bind(javafx.beans.binding.Bindings.isNotEmpty(text));
        l.managedProperty().bind(l.visibleProperty());
        return l;
    }
}
