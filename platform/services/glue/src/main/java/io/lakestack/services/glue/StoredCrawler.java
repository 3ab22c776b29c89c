package io.lakestack.services.glue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A crawler as the record store keeps it: its definition, its state, the crawl running now (and which instance runs
 * it), the last crawl and the metrics.
 */
record StoredCrawler(
        String name,
        String role,
        String databaseName,
        Optional<String> description,
        List<S3Target> targets,
        Optional<String> tablePrefix,
        Optional<String> configuration,
        String updateBehavior,
        String deleteBehavior,
        String recrawlBehavior,
        String lineageSettings,
        Map<String, String> tags,
        State state,
        long creationMillis,
        long lastUpdatedMillis,
        long version,
        Optional<RunningCrawl> running,
        Optional<LastCrawl> lastCrawl,
        Metrics metrics,
        List<String> crawledFolders,
        Optional<String> region,
        Optional<String> schedule,
        boolean scheduled)
{
    enum State
    {
        READY, RUNNING, STOPPING
    }

    record S3Target(String path, List<String> exclusions, Optional<Integer> sampleSize)
    {
        S3Target
        {
            requireNonNull(path, "path is null");
            exclusions = List.copyOf(exclusions);
            requireNonNull(sampleSize, "sampleSize is null");
        }
    }

    /** The crawl under way: the instance that runs it, since when, and its id (empty for a crawl started before crawls had ids). */
    record RunningCrawl(String owner, long startMillis, String crawlId)
    {
        RunningCrawl
        {
            requireNonNull(owner, "owner is null");
            crawlId = crawlId == null ? "" : crawlId;
        }
    }

    /** Glue's {@code LastCrawl}. */
    record LastCrawl(String status, Optional<String> errorMessage, String messagePrefix, long startMillis)
    {
        LastCrawl
        {
            requireNonNull(status, "status is null");
            requireNonNull(errorMessage, "errorMessage is null");
            requireNonNull(messagePrefix, "messagePrefix is null");
        }
    }

    /** What {@code GetCrawlerMetrics} reports: the last crawl's changes and the runtimes of the last twenty. */
    record Metrics(double lastRuntimeSeconds, List<Double> runtimes, int tablesCreated, int tablesUpdated, int tablesDeleted)
    {
        static final Metrics NONE = new Metrics(0, List.of(), 0, 0, 0);

        Metrics
        {
            runtimes = List.copyOf(runtimes);
        }

        double medianRuntimeSeconds()
        {
            if (runtimes.isEmpty()) {
                return 0;
            }
            List<Double> sorted = runtimes.stream().sorted().toList();
            int middle = sorted.size() / 2;
            return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
        }
    }

    StoredCrawler
    {
        requireNonNull(name, "name is null");
        requireNonNull(role, "role is null");
        requireNonNull(databaseName, "databaseName is null");
        requireNonNull(description, "description is null");
        targets = List.copyOf(targets);
        requireNonNull(tablePrefix, "tablePrefix is null");
        requireNonNull(configuration, "configuration is null");
        requireNonNull(updateBehavior, "updateBehavior is null");
        requireNonNull(deleteBehavior, "deleteBehavior is null");
        requireNonNull(recrawlBehavior, "recrawlBehavior is null");
        requireNonNull(lineageSettings, "lineageSettings is null");
        tags = Map.copyOf(tags);
        requireNonNull(state, "state is null");
        requireNonNull(running, "running is null");
        requireNonNull(lastCrawl, "lastCrawl is null");
        requireNonNull(metrics, "metrics is null");
        crawledFolders = List.copyOf(crawledFolders);
        // a crawler stored before crawlers kept their region has none: its ARN names the region it is asked from
        region = region == null ? Optional.empty() : region;
        // nor a schedule, before crawlers had them
        schedule = schedule == null ? Optional.empty() : schedule;
    }

    StoredCrawler withState(State newState, Optional<RunningCrawl> newRunning)
    {
        return new StoredCrawler(name, role, databaseName, description, targets, tablePrefix, configuration, updateBehavior, deleteBehavior,
                recrawlBehavior, lineageSettings, tags, newState, creationMillis, lastUpdatedMillis, version, newRunning, lastCrawl, metrics,
                crawledFolders, region, schedule, scheduled);
    }

    StoredCrawler withTags(Map<String, String> newTags)
    {
        return new StoredCrawler(name, role, databaseName, description, targets, tablePrefix, configuration, updateBehavior, deleteBehavior,
                recrawlBehavior, lineageSettings, newTags, state, creationMillis, lastUpdatedMillis, version, running, lastCrawl, metrics,
                crawledFolders, region, schedule, scheduled);
    }

    /** Back to {@code READY} after a crawl, with how it ended. */
    StoredCrawler finished(LastCrawl last, Metrics newMetrics, List<String> folders)
    {
        return new StoredCrawler(name, role, databaseName, description, targets, tablePrefix, configuration, updateBehavior, deleteBehavior,
                recrawlBehavior, lineageSettings, tags, State.READY, creationMillis, lastUpdatedMillis, version, Optional.empty(), Optional.of(last),
                newMetrics, folders, region, schedule, scheduled);
    }

    /** With its schedule ({@code Schedule}), and whether the schedule runs ({@code SCHEDULED}) or not ({@code NOT_SCHEDULED}). */
    StoredCrawler withSchedule(Optional<String> newSchedule, boolean newScheduled)
    {
        return new StoredCrawler(name, role, databaseName, description, targets, tablePrefix, configuration, updateBehavior, deleteBehavior,
                recrawlBehavior, lineageSettings, tags, state, creationMillis, lastUpdatedMillis, version, running, lastCrawl, metrics,
                crawledFolders, region, newSchedule, newScheduled && newSchedule.isPresent());
    }

    boolean isCrawling()
    {
        return state != State.READY;
    }
}
