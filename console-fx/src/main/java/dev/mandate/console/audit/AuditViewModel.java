package dev.mandate.console.audit;

import dev.mandate.console.client.BrokerApi;
import dev.mandate.console.client.BrokerException;
import dev.mandate.console.client.Model;
import dev.mandate.console.fx.Tasks;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.StringProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.List;

/** The audit tab's state and commands: the filtered events, and the hash-chain check with its verdict. */
public final class AuditViewModel {

    private final BrokerApi broker;
    private final Tasks tasks;
    private final ObservableList<Model.AuditRow> rows = FXCollections.observableArrayList();
    private final ObservableList<Model.AuditRow> readOnlyRows = FXCollections.unmodifiableObservableList(rows);
    /** Events per page. */
    public static final int PAGE_SIZE = 200;
    private final StringProperty eventType = new SimpleStringProperty("");
    private final StringProperty agentId = new SimpleStringProperty("");
    private final StringProperty taskId = new SimpleStringProperty("");
    private final StringProperty outcome = new SimpleStringProperty("");
    private final ReadOnlyStringWrapper verdict = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper pageText = new ReadOnlyStringWrapper("");
    private int page;
    private long total;
    private Model.AuditQuery shownQuery;
    /** Why there is nothing to export (null: the events of {@link #shownQuery} are shown). FX thread. */
    private String nothingShown = STILL_LOADING;
    /** An export is writing: another waits for it to end (two would write one file at once). FX thread. */
    private boolean exporting;
    private final java.util.concurrent.atomic.AtomicLong requests = new java.util.concurrent.atomic.AtomicLong();

    public AuditViewModel(BrokerApi broker, Tasks tasks) {
        this.broker = broker;
        this.tasks = tasks;
    }

    public ObservableList<Model.AuditRow> rows() {
        return readOnlyRows;
    }

    /** The event type to show (empty: all); the view binds its text field to it. */
    public StringProperty eventType() {
        return eventType;
    }

    public StringProperty agentId() {
        return agentId;
    }

    public StringProperty taskId() {
        return taskId;
    }

    /** {@code success}, {@code denied}, or empty for both. */
    public StringProperty outcome() {
        return outcome;
    }

    /** "events 1–200 of 5321, newest first" */
    public ReadOnlyStringProperty pageText() {
        return pageText.getReadOnlyProperty();
    }

    /** What an export asked before the first page is shown says. */
    public static final String STILL_LOADING = "The events are still loading: export them once they are shown.";
    /** What an export asked after the query failed says. */
    public static final String QUERY_FAILED = "The query failed: there are no events shown to export.";

    /**
     * Whether there is something to export: a page of events shown, and no export writing. Else the verdict
     * line says why (an empty file would read as "no events", and the events of filters no longer shown are not
     * what the operator asked for).
     */
    public boolean canExport() {
        if (nothingShown != null) {
            verdict.set(nothingShown);
        } else if (exporting) {
            verdict.set("An export is still being written: export again once it is done.");
        }
        return nothingShown == null && !exporting;
    }

    /** The chain check's result, or why a call failed. */
    public ReadOnlyStringProperty verdict() {
        return verdict.getReadOnlyProperty();
    }

    /** The newest page of the events the filters match. */
    public void refresh() {
        load(0, true);
    }

    /** The page of older events, if there is one. */
    public void older() {
        if ((long) (page + 1) * PAGE_SIZE < total) {
            load(page + 1, false);
        }
    }

    /** The page of newer events, if there is one. */
    public void newer() {
        if (page > 0) {
            load(page - 1, false);
        }
    }

    private void load(int wanted, boolean fresh) {
        // A new query counts afresh; older and newer pages count from the same total, so events arriving
        // meanwhile do not shift the pages (offsets count from the oldest event, and the log only grows).
        Model.AuditQuery q = new Model.AuditQuery(eventType.get(), agentId.get(), taskId.get(), outcome.get());
        long anchor = !fresh && q.equals(shownQuery) ? total : 0;
        long request = requests.incrementAndGet();
        tasks.background(() -> {
            try {
                Model.AuditPage p = broker.auditPage(q, wanted, PAGE_SIZE, anchor);
                if (requests.get() != request) {
                    return;   // the operator asked for something else meanwhile: this answer is stale
                }
                long first = p.rows().isEmpty() ? 0 : (long) p.page() * p.pageSize() + 1;
                String text = p.rows().isEmpty() ? "no events match" : "events " + first + "–" + (first + p.rows().size() - 1)
                        + " of " + p.total() + ", newest first";
                tasks.fx(() -> {
                    if (requests.get() == request) {
                        page = p.page();
                        total = p.total();
                        shownQuery = q;
                        nothingShown = null;
                        rows.setAll(p.rows());
                        pageText.set(text);
                    }
                });
            } catch (RuntimeException e) {
                tasks.fx(() -> {
                    if (requests.get() == request) {
                        rows.clear();   // never the previous query's events under the new filters
                        pageText.set("");
                        shownQuery = null;   // nor in an export
                        nothingShown = QUERY_FAILED;
                        verdict.set("Query failed: " + e.getMessage());
                    }
                });
            }
        });
    }

    /** Events asked for per request while exporting: the broker's largest page. */
    private static final int EXPORT_PAGE = 1000;

    /**
     * Writes every event the filters shown match to {@code file}, as many as the page line counts ("of 5321"),
     * newest first: JSON for a {@code .json} name, else CSV. Read from the broker and written a page at a time,
     * in the background; events logged since that count are not among them. The verdict line says how many
     * were written, or why not (a file left half-written is deleted).
     */
    public void export(java.nio.file.Path file) {
        if (!canExport()) {
            return;
        }
        Model.AuditQuery query = shownQuery;
        long counted = total;
        exporting = true;
        verdict.set("Exporting " + counted + " events to " + file + "…");
        tasks.background(() -> {
            try {
                long n = write(file, query, counted);
                tasks.fx(() -> verdict.set("Exported " + n + " event" + (n == 1 ? "" : "s") + " to " + file));
            } catch (java.io.IOException | RuntimeException e) {
                tasks.fx(() -> verdict.set("Export failed: " + e.getMessage()));
            } finally {
                tasks.fx(() -> exporting = false);
            }
        });
    }

    /**
     * Writes the {@code counted} events of {@code query}, a page at a time; how many were written. A file it
     * opened and could not finish is deleted (a part of the events would pass for all of them); one it could not
     * open is left as it was.
     */
    private long write(java.nio.file.Path file, Model.AuditQuery query, long counted) throws java.io.IOException {
        java.io.Writer out = java.nio.file.Files.newBufferedWriter(file);
        long written = 0;
        try (out; AuditExport.Sink sink = AuditExport.open(file.getFileName().toString(), out)) {
            // Pages count from the oldest event, anchored at the count shown: events logged meanwhile shift nothing.
            for (int page = 0; (long) page * EXPORT_PAGE < counted; page++) {
                List<Model.AuditRow> rows = broker.auditPage(query, page, EXPORT_PAGE, counted).rows();
                sink.write(rows);
                written += rows.size();
                long sofar = written;
                tasks.fx(() -> verdict.set("Exporting " + counted + " events to " + file + "… " + sofar + " written"));
            }
        } catch (java.io.IOException | RuntimeException e) {
            try {
                java.nio.file.Files.deleteIfExists(file);
            } catch (java.io.IOException | RuntimeException notDeleted) {
                e.addSuppressed(notDeleted);   // the verdict says the export failed; the file is the operator's to remove
            }
            throw e;
        }
        return written;
    }

    /** Recomputes the hash chain on the broker and says whether it holds, and where it breaks if not. */
    public void verify() {
        tasks.background(() -> {
            try {
                Model.Verification v = broker.verify();
                tasks.fx(() -> verdict.set(v.valid() ? "Chain valid: " + v.events() + " events"
                        : "Chain BROKEN at event " + v.firstBrokenId() + " (" + v.events() + " intact before it)"));
            } catch (BrokerException e) {
                tasks.fx(() -> verdict.set(e.getMessage()));
            }
        });
    }
}
