package io.participantsync.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Generates benchmark CSV files: name changes spread round-robin over the given providers, each row locating a
 * participant the sandbox creates on first touch ({@code autoCreate}); rows cycle over {@code distinct}
 * participants per provider so the sandbox's state stays bounded however many rows there are.
 */
final class Workload {

    static final List<String> ALL_PROVIDERS = List.of("oneflow", "zigned", "signinghub", "eviasign", "zoho");
    static final String HEADER = "provider,connection,contract_id,party_id,participant_id,agreement_id,package_id,"
            + "workflow_order,request_id,organization,current_email,name";

    private Workload() {
    }

    static Path write(Path file, int rows, int distinct, List<String> providers) throws IOException {
        Files.createDirectories(file.getParent());
        int pool = Math.max(1, distinct);
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(HEADER);
            w.write('\n');
            for (int i = 0; i < rows; i++) {
                String provider = providers.get(i % providers.size());
                int k = (i / providers.size()) % pool;
                w.write(row(provider, k, "Bench Name " + i));
                w.write('\n');
            }
        }
        return file;
    }

    /** One row; columns as {@link #HEADER}. */
    static String row(String provider, int k, String name) {
        return switch (provider) {
            case "oneflow" -> "oneflow,," + (5_000_000 + k) + "," + (6_000_000 + k) + "," + (7_000_000 + k)
                    + ",,,,,,," + name;
            case "zigned" -> "zigned,,,,benchparticipant" + k + ",benchagreement" + k + ",,,,,," + name;
            case "signinghub" -> "signinghub,,,,,," + (8_000_000 + k) + ",1,,,," + name;
            case "eviasign" -> "eviasign,,,,,,,," + String.format("00000000-0000-4000-8000-%012d", k) + ",,bench" + k
                    + "@example.com," + name;
            case "zoho" -> "zoho,,,,,,,,,BenchOrg" + (k % 100) + ",bench" + k + "@example.com," + name;
            default -> throw new IllegalArgumentException("unknown provider " + provider);
        };
    }
}
