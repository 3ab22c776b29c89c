package io.lakestack.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class S3TestsSelectionTest
{
    private static final String FILE = """
            # comment
            reason: AWS itself fails these.
            marker fails_on_aws

            reason: No KMS: lakestack
            reason: has none.
            test *kms*
            test test_copy_enc[*sse-c*]

            reason: A second user.
            marker iam_user
            test test_bucket_policy
            """;

    @Test
    void readsGroupsWithTheirReasonsMarkersAndTests()
    {
        S3TestsSelection selection = S3TestsSelection.parse(FILE);

        assertThat(selection.groups()).containsExactly(
                new S3TestsSelection.Group("AWS itself fails these.", List.of("fails_on_aws"), List.of()),
                new S3TestsSelection.Group("No KMS: lakestack has none.", List.of(), List.of("*kms*", "test_copy_enc[*sse-c*]")),
                new S3TestsSelection.Group("A second user.", List.of("iam_user"), List.of("test_bucket_policy")));
        assertThat(selection.markerExpression()).isEqualTo("not (fails_on_aws or iam_user)");
        assertThat(selection.tests()).containsExactly("*kms*", "test_copy_enc[*sse-c*]", "test_bucket_policy");
    }

    @Test
    void aNameMatchesItsFunctionWithEveryParameterAndNothingLonger()
    {
        assertThat(S3TestsSelection.matches("test_bucket_policy", "test_bucket_policy")).isTrue();
        assertThat(S3TestsSelection.matches("test_bucket_policy", "test_bucket_policy[a-1]")).isTrue();
        assertThat(S3TestsSelection.matches("test_bucket_policy", "test_bucket_policy_acl")).isFalse();
        assertThat(S3TestsSelection.matches("test_copy_enc[*sse-c*]", "test_copy_enc[sse-s3-sse-c-STANDARD-STANDARD-1]")).isTrue();
        assertThat(S3TestsSelection.matches("test_copy_enc[*sse-c*]", "test_copy_enc[sse-s3-sse-s3-STANDARD-STANDARD-1]")).isFalse();
        assertThat(S3TestsSelection.matches("test_copy_enc[*sse-c*]", "test_copy_part_enc[sse-c-sse-c-STANDARD-STANDARD-1]")).isFalse();
        assertThat(S3TestsSelection.matches("*kms*", "test_sse_kms_present")).isTrue();
        assertThat(S3TestsSelection.matches("*kms*", "test_copy_enc[sse-kms-unencrypted-STANDARD-STANDARD-1]")).isTrue();
        assertThat(S3TestsSelection.matches("test_a.b*", "test_aXb")).isFalse();
    }

    @Test
    void findsTheGroupOfAnExcludedTest()
    {
        S3TestsSelection selection = S3TestsSelection.parse(FILE);

        assertThat(selection.groupOf("test_copy_enc[sse-kms-sse-c-STANDARD-STANDARD-1]")).map(S3TestsSelection.Group::reason)
                .contains("No KMS: lakestack has none.");
        assertThat(selection.groupOf("test_bucket_policy")).map(S3TestsSelection.Group::reason).contains("A second user.");
        assertThat(selection.groupOf("test_bucket_list_empty")).isEmpty();
    }

    @Test
    void refusesWhatItCannotRead()
    {
        assertThatThrownBy(() -> S3TestsSelection.parse("marker fails_on_aws\n"))
                .hasMessage("line 1: 'marker fails_on_aws' comes before any 'reason:' line");
        assertThatThrownBy(() -> S3TestsSelection.parse("reason: x\ntest_bucket_policy\n"))
                .hasMessage("line 2: expected 'reason: ...', 'marker NAME' or 'test NAME', found: test_bucket_policy");
        assertThatThrownBy(() -> S3TestsSelection.parse("reason: x\nmarker not-a-mark\n"))
                .hasMessage("line 2: not a pytest mark name: not-a-mark");
        assertThatThrownBy(() -> S3TestsSelection.parse("reason: x\ntest a\n\nreason: y\n"))
                .hasMessage("line 4: the reason excludes no marker and no test");
        assertThatThrownBy(() -> S3TestsSelection.parse("reason:\nmarker a\n"))
                .hasMessage("line 1: a reason says why: reason: <why these tests are left out>");
    }

    @Test
    void theBundledSelectionReads()
    {
        S3TestsSelection selection = S3TestsSelection.bundled();

        assertThat(selection.groups()).hasSize(10);
        assertThat(selection.markers()).hasSize(13).startsWith("fails_on_aws");
        assertThat(selection.tests()).hasSize(81).contains("*kms*", "test_block_public_restrict_public_buckets")
                // anonymous requests answered by ACLs are selected
                .doesNotContain("test_object_raw_get", "test_block_public_object_canned_acls");
    }
}
