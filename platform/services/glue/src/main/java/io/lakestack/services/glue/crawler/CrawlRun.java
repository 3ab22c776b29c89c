package io.lakestack.services.glue.crawler;

import io.lakestack.spi.s3.ObjectStore;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.glue.BatchError;
import io.lakestack.spi.glue.CatalogDatabase;
import io.lakestack.spi.glue.CatalogPartition;
import io.lakestack.spi.glue.CatalogTable;
import io.lakestack.spi.glue.Column;
import io.lakestack.spi.glue.GlueCatalog;
import io.lakestack.spi.glue.Page;
import io.lakestack.spi.glue.SerDeInfo;
import io.lakestack.spi.glue.StorageDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

import static java.util.Objects.requireNonNull;

/**
 * One crawl: lists the S3 targets, splits them into datasets (one table per dataset folder), reads each dataset's
 * schema from a sample of its files, and writes tables and partitions to the catalog as the schema change policy
 * says.
 *
 * <ul>
 *   <li>Dataset folders: when the include path holds files directly, or only {@code key=value} folders, it is one
 *       table named after its last folder; otherwise each folder under it is a table.</li>
 *   <li>Partitions: the folders between a table's root and its files; {@code key=value} folders name their key,
 *       other folders become {@code partition_0}, {@code partition_1}...</li>
 *   <li>Files whose names start with {@code _} or {@code .}, and objects matching an exclusion (a glob relative to
 *       the include path, as Glue's), are skipped.</li>
 *   <li>A file no classifier can read is reported with its key and the reason; the crawl goes on without it.</li>
 * </ul>
 */
final class CrawlRun
{
    private static final Logger log = LoggerFactory.getLogger(CrawlRun.class);

    record Result(int tablesCreated, int tablesUpdated, int tablesDeleted, int partitionsCreated, List<String> unreadable, Set<String> crawledFolders)
    {
    }

    /** @param sampleSize how many files of each folder the schema is read from; every file when empty */
    private record Dataset(String table, String bucket, String root, List<String> partitionKeys, Map<List<String>, String> partitionFolders,
            Map<String, List<ObjectStore.Entry>> filesByFolder, Optional<Integer> sampleSize)
    {
    }

    private final Crawler.Settings settings;
    private final GlueCatalog catalog;
    private final ObjectStore store;
    private final Set<String> previouslyCrawled;
    private final BooleanSupplier cancelled;
    private final String messagePrefix;
    /** How many files a crawl reads at a time. */
    static final int PARALLEL_READS = 8;
    private final List<String> unreadable = new ArrayList<>();
    private final Set<String> crawledFolders = new LinkedHashSet<>();
    private int created;
    private int updated;
    private int deleted;
    private int partitionsCreated;

    CrawlRun(Crawler.Settings settings, GlueCatalog catalog, ObjectStore store, Set<String> previouslyCrawled, BooleanSupplier cancelled, String messagePrefix)
    {
        this.settings = requireNonNull(settings, "settings is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.store = requireNonNull(store, "store is null");
        this.previouslyCrawled = Set.copyOf(previouslyCrawled);
        this.cancelled = requireNonNull(cancelled, "cancelled is null");
        this.messagePrefix = requireNonNull(messagePrefix, "messagePrefix is null");
    }

    /**
     * @throws CancelledException when stopped
     * @throws IOException when a target cannot be listed
     */
    Result run()
            throws IOException, CancelledException
    {
        ensureDatabase();
        Map<String, Dataset> datasets = new TreeMap<>();
        for (Crawler.Target target : settings.targets()) {
            for (Dataset dataset : datasets(target)) {
                datasets.merge(dataset.table(), dataset, (first, second) -> {
                    log.warn("[{}] crawler {}: two datasets map to table {} ({} and {}); keeping the first", messagePrefix, settings.crawler(),
                            first.table(), first.root(), second.root());
                    return first;
                });
            }
        }
        Set<String> seenTables = new HashSet<>();
        for (Dataset dataset : datasets.values()) {
            checkCancelled();
            crawl(dataset);
            seenTables.add(dataset.table());
        }
        if (!settings.newFoldersOnly()) {
            handleVanishedTables(seenTables);
        }
        crawledFolders.addAll(previouslyCrawled);
        return new Result(created, updated, deleted, partitionsCreated, List.copyOf(unreadable), crawledFolders);
    }

    static final class CancelledException
            extends Exception
    {
        private static final long serialVersionUID = 1L;
    }

    private void checkCancelled()
            throws CancelledException
    {
        if (cancelled.getAsBoolean()) {
            throw new CancelledException();
        }
    }

    private void ensureDatabase()
    {
        try {
            catalog.getDatabase(settings.database());
        }
        catch (ServiceException e) {
            if (!e.errorCode().equals("EntityNotFoundException")) {
                throw e;
            }
            catalog.createDatabase(new CatalogDatabase(settings.database(), Optional.empty(), Optional.empty(), Map.of(), Optional.empty()));
        }
    }

    // layout

    private List<Dataset> datasets(Crawler.Target target)
            throws IOException
    {
        String path = target.path();
        if (!path.startsWith("s3://")) {
            throw new IOException("S3 target path " + path + " must start with s3://");
        }
        String rest = path.substring(5);
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix += "/";
        }
        List<PathMatcher> exclusions = target.exclusions().stream().map(glob -> FileSystems.getDefault().getPathMatcher("glob:" + glob)).toList();
        List<ObjectStore.Entry> files = new ArrayList<>();
        for (ObjectStore.Entry entry : store.list(bucket, prefix)) {
            String relative = entry.key().substring(prefix.length());
            if (relative.isEmpty() || relative.endsWith("/") || hidden(relative)) {
                continue;
            }
            if (exclusions.stream().anyMatch(matcher -> matcher.matches(Path.of(relative)))) {
                continue;
            }
            files.add(new ObjectStore.Entry(relative, entry.size()));
        }
        if (files.isEmpty()) {
            return List.of();
        }
        boolean flat = files.stream().allMatch(file -> !file.key().contains("/"));
        boolean partitionedRoot = files.stream().allMatch(file -> file.key().contains("/") && file.key().substring(0, file.key().indexOf('/')).contains("="));
        List<Dataset> datasets = new ArrayList<>();
        if (flat || partitionedRoot) {
            String name = prefix.isEmpty() ? bucket : lastSegment(prefix);
            dataset(tableName(name), bucket, prefix, files, target.sampleSize()).ifPresent(datasets::add);
            return datasets;
        }
        Map<String, List<ObjectStore.Entry>> byFolder = new TreeMap<>();
        for (ObjectStore.Entry file : files) {
            int cut = file.key().indexOf('/');
            if (cut < 0) {
                unreadable("s3://" + bucket + "/" + prefix + file.key(), "a file beside dataset folders belongs to no table");
                continue;
            }
            byFolder.computeIfAbsent(file.key().substring(0, cut), ignored -> new ArrayList<>())
                    .add(new ObjectStore.Entry(file.key().substring(cut + 1), file.size()));
        }
        String root = prefix;
        byFolder.forEach((folder, inside) -> dataset(tableName(folder), bucket, root + folder + "/", inside, target.sampleSize()).ifPresent(datasets::add));
        return datasets;
    }

    /** A dataset rooted at {@code root}; {@code files} are relative to it. */
    private Optional<Dataset> dataset(String table, String bucket, String root, List<ObjectStore.Entry> files, Optional<Integer> sampleSize)
    {
        Map<Integer, List<ObjectStore.Entry>> byDepth = new TreeMap<>();
        for (ObjectStore.Entry file : files) {
            byDepth.computeIfAbsent(depth(file.key()), ignored -> new ArrayList<>()).add(file);
        }
        int depth = byDepth.entrySet().stream().max(Comparator.comparingInt((Map.Entry<Integer, List<ObjectStore.Entry>> entry) -> entry.getValue().size())
                .thenComparing(Map.Entry::getKey)).orElseThrow().getKey();
        byDepth.forEach((other, skipped) -> {
            if (other != depth) {
                skipped.forEach(file -> unreadable("s3://" + bucket + "/" + root + file.key(), "it is " + other + " folder(s) deep, the table's partitions are "
                        + depth));
            }
        });
        List<ObjectStore.Entry> kept = byDepth.get(depth);
        List<String> keys = new ArrayList<>();
        for (int level = 0; level < depth; level++) {
            Set<String> names = new HashSet<>();
            for (ObjectStore.Entry file : kept) {
                String segment = file.key().split("/")[level];
                names.add(segment.contains("=") ? segment.substring(0, segment.indexOf('=')).toLowerCase(Locale.ROOT) : "");
            }
            keys.add(names.size() == 1 && !names.contains("") ? names.iterator().next() : "partition_" + level);
        }
        Map<List<String>, String> partitions = new LinkedHashMap<>();
        Map<String, List<ObjectStore.Entry>> filesByFolder = new TreeMap<>();
        for (ObjectStore.Entry file : kept) {
            String[] segments = file.key().split("/");
            List<String> values = new ArrayList<>();
            StringBuilder folder = new StringBuilder(root);
            for (int level = 0; level < depth; level++) {
                String segment = segments[level];
                values.add(segment.contains("=") && !keys.get(level).startsWith("partition_") ? segment.substring(segment.indexOf('=') + 1) : segment);
                folder.append(segment).append('/');
            }
            partitions.putIfAbsent(values, folder.toString());
            filesByFolder.computeIfAbsent(folder.toString(), ignored -> new ArrayList<>())
                    .add(new ObjectStore.Entry(root + file.key(), file.size()));
        }
        return Optional.of(new Dataset(settings.tablePrefix() + table, bucket, root, keys, partitions, filesByFolder, sampleSize));
    }

    // schema and catalog

    private void crawl(Dataset dataset)
            throws CancelledException
    {
        Map<String, List<ObjectStore.Entry>> folders = dataset.filesByFolder();
        if (settings.newFoldersOnly()) {
            folders = new TreeMap<>(folders);
            folders.keySet().removeIf(folder -> previouslyCrawled.contains("s3://" + dataset.bucket() + "/" + folder));
            if (folders.isEmpty()) {
                return;
            }
        }
        Map<FileSchemaReader.Format, List<FileSchemaReader.FileSchema>> schemas = new LinkedHashMap<>();
        // as Glue: every file of each leaf folder, or the first SampleSize of them
        int perFolder = dataset.sampleSize().orElse(Integer.MAX_VALUE);
        List<ObjectStore.Entry> sampled = new ArrayList<>();
        for (List<ObjectStore.Entry> files : folders.values()) {
            sampled.addAll(files.subList(0, Math.min(perFolder, files.size())));
        }
        for (Optional<FileSchemaReader.FileSchema> read : readAll(dataset.bucket(), sampled)) {
            read.ifPresent(schema -> schemas.computeIfAbsent(schema.format(), ignored -> new ArrayList<>()).add(schema));
        }
        if (schemas.isEmpty()) {
            log.warn("[{}] crawler {}: no readable file under s3://{}/{}; no table", messagePrefix, settings.crawler(), dataset.bucket(), dataset.root());
            return;
        }
        FileSchemaReader.Format format = schemas.entrySet().stream().max(Comparator.comparingInt(entry -> entry.getValue().size())).orElseThrow().getKey();
        schemas.forEach((other, files) -> {
            if (other != format) {
                unreadable("s3://" + dataset.bucket() + "/" + dataset.root(), files.size() + " sampled file(s) are " + other.classification()
                        + ", the table is " + format.classification());
            }
        });
        List<FileSchemaReader.FileSchema> sameFormat = schemas.get(format);
        Map<String, InferredType> columns = new LinkedHashMap<>();
        for (FileSchemaReader.FileSchema schema : sameFormat) {
            schema.columns().forEach((name, type) -> columns.merge(name, type, InferredType::merge));
        }
        dataset.partitionKeys().forEach(columns::remove);
        FileSchemaReader.FileSchema first = sameFormat.get(0);
        boolean gzip = sameFormat.stream().anyMatch(FileSchemaReader.FileSchema::gzip);
        long totalSize = dataset.filesByFolder().values().stream().flatMap(List::stream).mapToLong(ObjectStore.Entry::size).sum();
        int objectCount = dataset.filesByFolder().values().stream().mapToInt(List::size).sum();
        CatalogTable inferred = table(dataset, format, first.csv(), gzip, columns, totalSize, objectCount);
        CatalogTable table = writeTable(dataset, inferred);
        writePartitions(dataset, table, folders);
        folders.keySet().forEach(folder -> crawledFolders.add("s3://" + dataset.bucket() + "/" + folder));
    }

    /**
     * The schemas of the files, in their order, read {@value #PARALLEL_READS} at a time (a table of many small files is
     * mostly the object store's round trips); the unreadable ones are reported, in the files' order, and empty.
     */
    private List<Optional<FileSchemaReader.FileSchema>> readAll(String bucket, List<ObjectStore.Entry> files)
            throws CancelledException
    {
        List<Optional<FileSchemaReader.FileSchema>> schemas = new ArrayList<>(files.size());
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(PARALLEL_READS, files.size())), runnable -> {
            Thread thread = new Thread(runnable, "lakestack-glue-crawler-read");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<FileRead>> reads = new ArrayList<>(files.size());
            for (ObjectStore.Entry file : files) {
                reads.add(pool.submit(() -> cancelled.getAsBoolean() ? new FileRead(Optional.empty(), Optional.empty()) : read(bucket, file)));
            }
            for (int i = 0; i < reads.size(); i++) {
                checkCancelled();
                try {
                    FileRead read = reads.get(i).get();
                    // reported in the files' order, whichever read ended first
                    String location = "s3://" + bucket + "/" + files.get(i).key();
                    read.failure().ifPresent(reason -> unreadable(location, reason));
                    schemas.add(read.schema());
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CancelledException();
                }
                catch (ExecutionException e) {
                    throw new IllegalStateException("reading a file's schema failed", e.getCause());
                }
            }
            return schemas;
        }
        finally {
            pool.shutdownNow();
        }
    }

    /** A file's schema, or why it has none. */
    private record FileRead(Optional<FileSchemaReader.FileSchema> schema, Optional<String> failure)
    {
    }

    private FileRead read(String bucket, ObjectStore.Entry file)
    {
        try {
            return new FileRead(Optional.of(FileSchemaReader.read(new FileSchemaReader.Source()
            {
                @Override
                public long size()
                {
                    return file.size();
                }

                @Override
                public byte[] read(long offset, int length)
                        throws IOException
                {
                    return store.read(bucket, file.key(), offset, length);
                }
            })), Optional.empty());
        }
        catch (FileSchemaReader.Unreadable e) {
            return new FileRead(Optional.empty(), Optional.of(e.getMessage()));
        }
        catch (IOException | RuntimeException e) {
            return new FileRead(Optional.empty(), Optional.of(e.toString()));
        }
    }

    private void unreadable(String location, String reason)
    {
        log.warn("[{}] crawler {}: cannot classify {}: {}", messagePrefix, settings.crawler(), location, reason);
        unreadable.add(location + " (" + reason + ")");
    }

    private CatalogTable table(Dataset dataset, FileSchemaReader.Format format, FileSchemaReader.CsvLayout csv, boolean gzip,
            Map<String, InferredType> columns, long totalSize, int objectCount)
    {
        List<Column> tableColumns = columns.entrySet().stream().map(entry -> Column.of(entry.getKey(), entry.getValue().hive())).toList();
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("classification", format.classification());
        parameters.put("compressionType", gzip ? "gzip" : "none");
        parameters.put("typeOfData", "file");
        parameters.put("UPDATED_BY_CRAWLER", settings.crawler());
        parameters.put("CrawlerSchemaDeserializerVersion", "1.0");
        parameters.put("CrawlerSchemaSerializerVersion", "1.0");
        parameters.put("objectCount", String.valueOf(objectCount));
        parameters.put("sizeKey", String.valueOf(totalSize));
        parameters.put("EXTERNAL", "TRUE");
        String input;
        String output;
        SerDeInfo serde;
        switch (format) {
            case PARQUET -> {
                input = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat";
                output = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat";
                serde = new SerDeInfo(Optional.empty(), Optional.of("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"), Map.of("serialization.format", "1"));
            }
            case ORC -> {
                input = "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat";
                output = "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat";
                serde = new SerDeInfo(Optional.empty(), Optional.of("org.apache.hadoop.hive.ql.io.orc.OrcSerde"), Map.of("serialization.format", "1"));
            }
            case JSON -> {
                input = "org.apache.hadoop.mapred.TextInputFormat";
                output = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat";
                serde = new SerDeInfo(Optional.empty(), Optional.of("org.openx.data.jsonserde.JsonSerDe"),
                        Map.of("paths", String.join(",", columns.keySet())));
            }
            case CSV -> {
                input = "org.apache.hadoop.mapred.TextInputFormat";
                output = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat";
                String delimiter = String.valueOf(csv.delimiter());
                parameters.put("delimiter", delimiter);
                parameters.put("columnsOrdered", "true");
                parameters.put("areColumnsQuoted", String.valueOf(csv.quoted()));
                if (csv.header()) {
                    parameters.put("skip.header.line.count", "1");
                }
                serde = csv.quoted()
                        ? new SerDeInfo(Optional.empty(), Optional.of("org.apache.hadoop.hive.serde2.OpenCSVSerde"), Map.of("separatorChar", delimiter, "quoteChar", "\""))
                        : new SerDeInfo(Optional.empty(), Optional.of("org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"), Map.of("field.delim", delimiter));
            }
            default -> throw new IllegalStateException(format.name());
        }
        StorageDescriptor storage = new StorageDescriptor(tableColumns, Optional.of("s3://" + dataset.bucket() + "/" + dataset.root()), Optional.of(input),
                Optional.of(output), gzip, -1, serde, List.of(), List.of(), parameters, false);
        List<Column> keys = dataset.partitionKeys().stream().map(key -> Column.of(key, "string")).toList();
        return new CatalogTable(settings.database(), dataset.table(), Optional.empty(), Optional.of("owner"), Optional.empty(), Optional.empty(), Optional.empty(),
                0, storage, keys, Optional.empty(), Optional.empty(), Optional.of("EXTERNAL_TABLE"), parameters, Optional.empty());
    }

    private CatalogTable writeTable(Dataset dataset, CatalogTable inferred)
    {
        Optional<CatalogTable> existing = existing(dataset.table());
        if (existing.isEmpty()) {
            // a new dataset becomes a table whatever the update behavior, which governs changes to existing tables
            catalog.createTable(inferred);
            created++;
            log.info("[{}] crawler {}: created table {}.{} ({} columns, {} partition keys)", messagePrefix, settings.crawler(), settings.database(),
                    inferred.name(), inferred.storage().columns().size(), inferred.partitionKeys().size());
            return catalog.getTable(settings.database(), inferred.name());
        }
        CatalogTable current = existing.get();
        List<Column> merged = mergeColumns(current.storage().columns(), inferred.storage().columns());
        boolean changed = !merged.equals(current.storage().columns());
        if (!changed) {
            return current;
        }
        if (!settings.updateBehavior().equals("UPDATE_IN_DATABASE")) {
            log.warn("[{}] crawler {}: the schema of {}.{} changed to {}; not updated (UpdateBehavior {})", messagePrefix, settings.crawler(),
                    settings.database(), current.name(), merged, settings.updateBehavior());
            return current;
        }
        Map<String, String> parameters = new LinkedHashMap<>(current.parameters());
        parameters.putAll(inferred.parameters());
        CatalogTable update = current.withStorage(current.storage().withColumns(merged)).withParameters(parameters);
        catalog.updateTable(update);
        updated++;
        log.info("[{}] crawler {}: updated table {}.{}: columns now {}", messagePrefix, settings.crawler(), settings.database(), current.name(), merged);
        return catalog.getTable(settings.database(), current.name());
    }

    /**
     * The table's columns with the new ones appended and every type widened to fit what the files now hold: a struct
     * gains the fields new files have (its fields merged one by one, as its columns are), an array or map widens its
     * element or value.
     */
    static List<Column> mergeColumns(List<Column> existing, List<Column> inferred)
    {
        Map<String, Column> byName = new LinkedHashMap<>();
        existing.forEach(column -> byName.put(column.name(), column));
        for (Column column : inferred) {
            Column current = byName.get(column.name());
            if (current == null) {
                byName.put(column.name(), column);
            }
            else if (!current.type().equals(column.type())) {
                String widened = InferredType.merge(InferredType.of(current.type()), InferredType.of(column.type())).hive();
                byName.put(column.name(), new Column(current.name(), widened, current.comment(), current.parameters()));
            }
        }
        return List.copyOf(byName.values());
    }

    private void writePartitions(Dataset dataset, CatalogTable table, Map<String, List<ObjectStore.Entry>> folders)
    {
        if (table.partitionKeys().isEmpty()) {
            return;
        }
        List<CatalogPartition> partitions = new ArrayList<>();
        Map<String, List<String>> valuesByFolder = new HashMap<>();
        dataset.partitionFolders().forEach((values, folder) -> valuesByFolder.put(folder, values));
        for (String folder : folders.keySet()) {
            List<String> values = valuesByFolder.get(folder);
            if (values == null || values.size() != table.partitionKeys().size()) {
                continue;
            }
            partitions.add(new CatalogPartition(table.databaseName(), table.name(), values, Optional.empty(), Optional.empty(),
                    table.storage().withLocation("s3://" + dataset.bucket() + "/" + folder), Map.of()));
        }
        for (int start = 0; start < partitions.size(); start += 100) {
            List<CatalogPartition> batch = partitions.subList(start, Math.min(partitions.size(), start + 100));
            List<BatchError<List<String>>> errors = catalog.createPartitions(table.databaseName(), table.name(), batch);
            int failed = 0;
            for (BatchError<List<String>> error : errors) {
                if (!error.errorCode().equals("AlreadyExistsException")) {
                    log.warn("[{}] crawler {}: partition {} of {}.{}: {}", messagePrefix, settings.crawler(), error.item(), table.databaseName(), table.name(),
                            error.errorMessage());
                }
                failed++;
            }
            partitionsCreated += batch.size() - failed;
        }
    }

    private Optional<CatalogTable> existing(String name)
    {
        try {
            return Optional.of(catalog.getTable(settings.database(), name));
        }
        catch (ServiceException e) {
            if (e.errorCode().equals("EntityNotFoundException")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Tables this crawler made whose data is gone, under the delete behavior. */
    private void handleVanishedTables(Set<String> seenTables)
    {
        if (settings.deleteBehavior().equals("LOG")) {
            return;
        }
        Optional<String> token = Optional.empty();
        List<CatalogTable> ours = new ArrayList<>();
        do {
            Page<CatalogTable> page = catalog.getTables(settings.database(), Optional.empty(), token, 100);
            page.items().stream()
                    .filter(table -> settings.crawler().equals(table.parameters().get("UPDATED_BY_CRAWLER")))
                    .filter(table -> table.storage().location().map(this::underTargets).orElse(false))
                    .forEach(ours::add);
            token = page.nextToken();
        }
        while (token.isPresent());
        for (CatalogTable table : ours) {
            if (seenTables.contains(table.name())) {
                continue;
            }
            if (settings.deleteBehavior().equals("DELETE_FROM_DATABASE")) {
                catalog.deleteTable(table.databaseName(), table.name());
                deleted++;
                log.info("[{}] crawler {}: deleted table {}.{}: its data is gone", messagePrefix, settings.crawler(), table.databaseName(), table.name());
            }
            else if (!table.parameters().containsKey("DEPRECATED_BY_CRAWLER")) {
                Map<String, String> parameters = new LinkedHashMap<>(table.parameters());
                parameters.put("DEPRECATED_BY_CRAWLER", String.valueOf(System.currentTimeMillis() / 1000));
                catalog.updateTable(table.withParameters(parameters));
                updated++;
                log.info("[{}] crawler {}: deprecated table {}.{}: its data is gone", messagePrefix, settings.crawler(), table.databaseName(), table.name());
            }
        }
    }

    private boolean underTargets(String location)
    {
        return settings.targets().stream().anyMatch(target -> location.startsWith(target.path().endsWith("/") ? target.path() : target.path() + "/")
                || location.equals(target.path()));
    }

    private static boolean hidden(String relative)
    {
        for (String segment : relative.split("/")) {
            if (segment.startsWith("_") || segment.startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static int depth(String relative)
    {
        int depth = 0;
        for (char c : relative.toCharArray()) {
            if (c == '/') {
                depth++;
            }
        }
        return depth;
    }

    private static String lastSegment(String prefix)
    {
        String trimmed = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        return trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }

    static String tableName(String folder)
    {
        String name = folder.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return name.isEmpty() ? "table" : name;
    }
}
