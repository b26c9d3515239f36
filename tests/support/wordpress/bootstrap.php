<?php
/**
 * Load one instance's WordPress from the command line, at global scope (WordPress keeps its state
 * in globals, so it must not be loaded inside a function).
 *
 *     php <helper>.php <instance www dir> [arguments...]
 *
 * The including helper may define WP_INSTALLING first. Output meant for the caller goes to stdout;
 * run PHP with `-d display_errors=stderr` so notices never corrupt it.
 */

if (PHP_SAPI !== 'cli') {
    exit(1);
}
if ($argc < 2 || !is_file(rtrim($argv[1], '/') . '/wp-config.php')) {
    fwrite(STDERR, "usage: php {$argv[0]} <instance www dir> [arguments...]\n");
    exit(2);
}
define('ABSPATH', rtrim($argv[1], '/') . '/');
$mcphub_args = array_slice($argv, 2);

// WordPress reads these from a web request; give it a plausible one.
$_SERVER['HTTP_HOST'] = $_SERVER['HTTP_HOST'] ?? '127.0.0.1';
$_SERVER['SERVER_NAME'] = $_SERVER['SERVER_NAME'] ?? '127.0.0.1';
$_SERVER['SERVER_PORT'] = $_SERVER['SERVER_PORT'] ?? '80';
$_SERVER['REQUEST_URI'] = $_SERVER['REQUEST_URI'] ?? '/';
$_SERVER['REQUEST_METHOD'] = $_SERVER['REQUEST_METHOD'] ?? 'GET';
$_SERVER['REMOTE_ADDR'] = $_SERVER['REMOTE_ADDR'] ?? '127.0.0.1';

require ABSPATH . 'wp-load.php';

// Command-line helpers never need the network (nor the site's own loopback).
add_filter('pre_http_request', static function () {
    return new WP_Error('mcphub_offline', 'HTTP is disabled in command-line helpers');
});

function mcphub_out($value): void
{
    echo json_encode($value, JSON_UNESCAPED_SLASHES), "\n";
}

function mcphub_die(string $message): void
{
    fwrite(STDERR, $message . "\n");
    exit(1);
}
