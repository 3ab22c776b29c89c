package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.testing.AwsCli;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The AWS CLI v2, unchanged but for --endpoint-url, against the S3 endpoint. */
@LakestackTest
@Order(5)
class AwsCliS3IntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestStack stack;
    private AwsCli aws;

    AwsCliS3IntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeEach
    void findCli()
    {
        aws = AwsCli.required(stack);
    }

    @Test
    void copiesListsPresignsAndConfiguresNotifications()
            throws Exception
    {
        assertThat(aws.run("s3", "mb", "s3://cli-it")).isEqualTo(new AwsCli.Result(0, "make_bucket: cli-it\n", ""));

        Path small = Files.createTempFile("cli-it", ".txt");
        Files.writeString(small, "written by the AWS CLI\n");
        AwsCli.Result copy = aws.run("s3", "cp", small.toString(), "s3://cli-it/dir/small.txt", "--no-progress");
        assertThat(copy.exitCode()).isEqualTo(0);
        // the CLI prints the local path relative to its working directory
        assertThat(copy.stdout()).startsWith("upload: ").endsWith(small.getFileName() + " to s3://cli-it/dir/small.txt\n");

        Path large = Files.createTempFile("cli-it", ".bin");
        Files.write(large, S3EndpointIntegrationTest.pattern(20 * 1024 * 1024));
        assertThat(aws.run("s3", "cp", large.toString(), "s3://cli-it/dir/large.bin", "--no-progress").exitCode()).isEqualTo(0);
        JsonNode head = JSON.readTree(aws.run("s3api", "head-object", "--bucket", "cli-it", "--key", "dir/large.bin").stdout());
        assertThat(head.path("ContentLength").asLong()).isEqualTo(20L * 1024 * 1024);
        assertThat(head.path("ETag").asText()).endsWith("-3\"");

        AwsCli.Result list = aws.run("s3", "ls", "s3://cli-it/dir/");
        assertThat(list.exitCode()).isEqualTo(0);
        assertThat(list.stdout().lines().map(line -> line.substring(19).trim()).toList())
                .containsExactly("20971520 large.bin", "23 small.txt");
        assertThat(aws.run("s3", "cp", "s3://cli-it/dir/small.txt", "-").stdout()).isEqualTo("written by the AWS CLI\n");

        String url = aws.run("s3", "presign", "s3://cli-it/dir/small.txt", "--expires-in", "300").stdout().trim();
        HttpResponse<String> presigned = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(presigned.statusCode()).isEqualTo(200);
        assertThat(presigned.body()).isEqualTo("written by the AWS CLI\n");
        HttpResponse<String> tampered = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url.replace("small.txt", "large.bin"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(tampered.statusCode()).isEqualTo(403);
        assertThat(tampered.body()).contains("<Code>SignatureDoesNotMatch</Code>");

        String configuration = "{\"QueueConfigurations\":[{\"Id\":\"cli\",\"QueueArn\":\"arn:aws:sqs:us-east-1:000000000000:cli-uploads\","
                + "\"Events\":[\"s3:ObjectCreated:*\"],\"Filter\":{\"Key\":{\"FilterRules\":[{\"Name\":\"Prefix\",\"Value\":\"dir/\"}]}}}]}";
        assertThat(aws.run("s3api", "put-bucket-notification-configuration", "--bucket", "cli-it", "--notification-configuration", configuration)
                .exitCode()).isEqualTo(0);
        JsonNode stored = JSON.readTree(aws.run("s3api", "get-bucket-notification-configuration", "--bucket", "cli-it").stdout());
        assertThat(stored).isEqualTo(JSON.readTree(configuration));

        AwsCli.Result wrong = aws.runAs("test", "wrong-secret", "s3", "ls");
        assertThat(wrong.exitCode()).isNotEqualTo(0);
        assertThat(wrong.stderr()).contains("SignatureDoesNotMatch");

        assertThat(aws.run("s3", "rm", "s3://cli-it", "--recursive").exitCode()).isEqualTo(0);
        assertThat(aws.run("s3", "rb", "s3://cli-it")).isEqualTo(new AwsCli.Result(0, "remove_bucket: cli-it\n", ""));
    }
}
