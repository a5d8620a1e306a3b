/* vtriage (no command): the interface. */
#include "config.h"

#include "../tui/tui.h"
#include <locale.h>
#include <unistd.h>

#include "cli.h"

int
cli_run_tui(struct cli *cli)
{
	struct mail_db_location loc;
	struct vt_error err = { 0 };

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "vtriage: the interface needs a terminal; commands for scripts:"
				" vtriage --help\n");
		return 2;
	}
	/* the pager's and the panes' day and month names in the user's words */
	setlocale(LC_TIME, "");
	if (cli_open(cli, MAIL_DB_READ_ONLY, &err) != VT_OK)
		return cli_error(&err);
	vt_config_mail_location(cli->cfg, &loc);
	if (tui_run(cli->cfg, cli->store, &cli->db, &loc, &cli_interrupted, &err) != VT_OK)
		return cli_error(&err);
	return 0;
}
