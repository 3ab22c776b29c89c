package io.lakestack.server.glue.crawler;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestack.server.storage.ObjectStore;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.glue.GlueCatalog;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

import static java.util.Objects.requireNonNull;

/** Runs one crawl of a crawler definition over the object store, into the catalog. */
public final class Crawler
{
    private static final int MAX_REPORTED_FILES = 20;

    private final GlueCatalog catalog;
    private final ObjectStore store;

    public Crawler(GlueCatalog catalog, ObjectStore store)
    {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.store = requireNonNull(store, "store is null");
    }

    /** How a crawl ended: Glue's {@code LastCrawl.Status}, its message, and what it changed. */
    public record Outcome(String status, Optional<String> errorMessage, int tablesCreated, int tablesUpdated, int tablesDeleted, int partitionsCreated,
            Set<String> crawledFolders)
    {
        public static Outcome failed(String message)
        {
            return new Outcome("FAILED", Optional.of(message), 0, 0, 0, 0, Set.of());
        }
    }

    /**
     * @param definition the crawler as stored: Targets, DatabaseName, TablePrefix, SchemaChangePolicy, RecrawlPolicy
     * @param previouslyCrawled folders a crawl of new folders only skips
     */
    public Outcome crawl(JsonNode definition, Set<String> previouslyCrawled, BooleanSupplier cancelled, String messagePrefix)
    {
        List<CrawlRun.Target> targets = new ArrayList<>();
        for (JsonNode target : definition.path("Targets").path("S3Targets")) {
            List<String> exclusions = new ArrayList<>();
            target.path("Exclusions").forEach(exclusion -> exclusions.add(exclusion.asText()));
            targets.add(new CrawlRun.Target(target.path("Path").asText(), exclusions));
        }
        CrawlRun.Settings settings = new CrawlRun.Settings(
                definition.path("Name").asText(),
                definition.path("DatabaseName").asText().toLowerCase(java.util.Locale.ROOT),
                definition.path("TablePrefix").asText("").toLowerCase(java.util.Locale.ROOT),
                targets,
                definition.path("SchemaChangePolicy").path("UpdateBehavior").asText("UPDATE_IN_DATABASE"),
                definition.path("SchemaChangePolicy").path("DeleteBehavior").asText("DEPRECATE_IN_DATABASE"),
                definition.path("RecrawlPolicy").path("RecrawlBehavior").asText("CRAWL_EVERYTHING").equals("CRAWL_NEW_FOLDERS_ONLY"));
        try {
            CrawlRun.Result result = new CrawlRun(settings, catalog, store, previouslyCrawled, cancelled, messagePrefix).run();
            Optional<String> message = Optional.empty();
            if (!result.unreadable().isEmpty()) {
                List<String> shown = result.unreadable().subList(0, Math.min(MAX_REPORTED_FILES, result.unreadable().size()));
                message = Optional.of("The crawl finished, but " + result.unreadable().size() + " file(s) could not be classified and were left out: "
                        + String.join("; ", shown) + (result.unreadable().size() > shown.size() ? "; ..." : "")
                        + ". See the lakestack log, message prefix " + messagePrefix + ".");
            }
            return new Outcome("SUCCEEDED", message, result.tablesCreated(), result.tablesUpdated(), result.tablesDeleted(), result.partitionsCreated(),
                    result.crawledFolders());
        }
        catch (CrawlRun.CancelledException e) {
            return new Outcome("CANCELLED", Optional.empty(), 0, 0, 0, 0, previouslyCrawled);
        }
        catch (IOException e) {
            return Outcome.failed("Cannot read the S3 targets: " + e.getMessage());
        }
        catch (ServiceException e) {
            return Outcome.failed("The catalog refused a change: " + e.errorCode() + ": " + e.getMessage());
        }
    }
}
