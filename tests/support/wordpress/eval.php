<?php
/**
 * Run PHP code (read from stdin, without the opening tag) inside an instance's WordPress.
 *
 *     echo 'echo get_option("blogname");' | php eval.php <www dir>
 */

require __DIR__ . '/bootstrap.php';

eval(stream_get_contents(STDIN));
