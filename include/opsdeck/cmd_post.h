/* `opsdeck post`: publish an incident, an update, a resolution, a scheduled
 * maintenance or a component status from the command line, through the outbox.
 *
 *   post incident    --feed F --title T [--status S] [--impact I]
 *                    [--component NAME=STATUS]... [MESSAGE]
 *   post update      --feed F --incident ID [--status S] [--component ...] MESSAGE
 *   post resolve     --feed F --incident ID [--component ...] [MESSAGE]
 *   post maintenance --feed F --title T --start TIME --end TIME [--component ...] [MESSAGE]
 *   post component   --feed F --component NAME=STATUS...
 *   post outbox      list what waits in the outbox
 *   post flush [--all]  send what waits (due ones; --all ignores the back-off)
 *
 * MESSAGE is --message TEXT, --message-file FILE, '-' (stdin) or --template
 * NAME (with --eta TIME for {eta}). Other options: --no-notify, --form (form
 * encoding for Statuspage), --dry-run (print the requests, token redacted,
 * send nothing), --readonly, --config FILE.
 *
 * Exit status: 0 posted (the id on stdout) or printed; 1 failure (config,
 * token, files); 2 usage or an invalid post; 3 read-only; 4 rejected by the
 * server (its message on stderr); 75 not sent yet, kept in the outbox for a
 * retry (network error, 5xx, 429).
 */
#ifndef OPSDECK_CMD_POST_H
#define OPSDECK_CMD_POST_H

#define POST_EXIT_OK        0
#define POST_EXIT_FAIL      1
#define POST_EXIT_USAGE     2
#define POST_EXIT_READONLY  3
#define POST_EXIT_REJECTED  4
#define POST_EXIT_QUEUED    75

/* argv[0] is "post". */
int cmd_post(int argc, char **argv);

#endif
