package io.lakestack.services.glue.crawler;

import io.lakestack.spi.s3.ObjectStore;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.glue.GlueCatalog;

import java.io.IOException;
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
     * An S3 target: an include path {@code s3://bucket/prefix}, exclusion globs relative to it, and Glue's
     * {@code SampleSize}: how many files of each leaf folder a crawl reads (every file when empty, as in Glue).
     */
    public record Target(String path, List<String> exclusions, Optional<Integer> sampleSize)
    {
        public Target
        {
            requireNonNull(path, "path is null");
            exclusions = List.copyOf(exclusions);
            requireNonNull(sampleSize, "sampleSize is null");
        }
    }

    /**
     * What a crawl does.
     *
     * @param database the catalog database tables go to, lower case
     * @param tablePrefix prepended to every table name, lower case
     * @param updateBehavior {@code UPDATE_IN_DATABASE} or {@code LOG}
     * @param database the database the crawl writes its tables to; empty when the crawler has none (its crawls fail)
     * @param deleteBehavior {@code DELETE_FROM_DATABASE}, {@code DEPRECATE_IN_DATABASE} or {@code LOG}
     * @param newFoldersOnly whether folders crawled before are skipped ({@code CRAWL_NEW_FOLDERS_ONLY})
     */
    public record Settings(String crawler, String database, String tablePrefix, List<Target> targets, String updateBehavior, String deleteBehavior,
            boolean newFoldersOnly)
    {
        public Settings
        {
            targets = List.copyOf(targets);
        }
    }

    /**
     * @param previouslyCrawled folders a crawl of new folders only skips
     */
    public Outcome crawl(Settings settings, Set<String> previouslyCrawled, BooleanSupplier cancelled, String messagePrefix)
    {
        if (settings.database().isEmpty()) {
            return Outcome.failed("The crawler " + settings.crawler() + " has no DatabaseName to write its tables to: set one with UpdateCrawler");
        }
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
