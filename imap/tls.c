/*
 * Certificate verification. libetpan completes the TLS handshake without
 * checking anything, so before LOGIN we take the whole chain the server
 * sent and check it with GnuTLS: against the system CAs, for the host we
 * meant to reach (SNI was set at connect time), for TLS server use. A
 * pinned SHA-256 fingerprint of the server's certificate replaces that
 * check (self-signed servers) and must then match exactly.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "private.h"

#define FP_LEN (7 + 3 * 32)

vt_status
imap_tls_verify(mailstream *s, const struct mail_imap_account *acct, struct vt_error *err)
{
	carray *chain = mailstream_get_certificate_chain(s);
	gnutls_x509_crt_t *certs = NULL;
	gnutls_x509_trust_list_t trust = NULL;
	gnutls_datum_t reason = { 0 };
	uint8_t leaf[32];
	char fp[FP_LEN + 1];
	unsigned n = 0, verify = 0;
	int r;
	vt_status rc = VT_OK;

	if (chain == NULL || carray_count(chain) == 0) {
		rc = vt_fail(err, VT_ERR_TLS, "%s: the server sent no certificate", acct->host);
		goto out;
	}
	/* The server's own certificate comes first. */
	{
		MMAPString *der = carray_get(chain, 0);

		if (gnutls_hash_fast(GNUTLS_DIG_SHA256, der->str, der->len, leaf) < 0) {
			rc = vt_fail(err, VT_ERR_TLS, "%s: cannot hash the certificate",
				     acct->host);
			goto out;
		}
		mail_imap_fingerprint_format(leaf, fp, sizeof fp);
	}
	if (acct->pinned) {
		if (memcmp(leaf, acct->pin_sha256, sizeof leaf) != 0)
			rc = vt_fail(err, VT_ERR_TLS,
				     "%s: the server's certificate (%s) is not the one pinned in "
				     "%s:%d [account %s] cert_fingerprint; refusing to log in",
				     acct->host, fp, acct->file,
				     acct->pin_line ? acct->pin_line : acct->line, acct->name);
		goto out;
	}

	if ((certs = calloc(carray_count(chain), sizeof *certs)) == NULL) {
		rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (n = 0; n < carray_count(chain); n++) {
		MMAPString *der = carray_get(chain, n);
		gnutls_datum_t d = { .data = (unsigned char *)der->str,
				     .size = (unsigned)der->len };

		if (gnutls_x509_crt_init(&certs[n]) < 0) {
			rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
			goto out;
		}
		if (gnutls_x509_crt_import(certs[n], &d, GNUTLS_X509_FMT_DER) < 0) {
			n++;
			rc = vt_fail(err, VT_ERR_TLS,
				     "%s: the server sent an unreadable certificate", acct->host);
			goto out;
		}
	}
	if (gnutls_x509_trust_list_init(&trust, 0) < 0) {
		rc = vt_fail(err, VT_ERR_NOMEM, "out of memory");
		goto out;
	}
	r = gnutls_x509_trust_list_add_system_trust(trust, 0, 0);
	if (r <= 0) {
		rc = vt_fail(err, VT_ERR_TLS,
			     "%s: no system CA certificates could be loaded (%s); pin the "
			     "server's certificate instead: cert_fingerprint = %s",
			     acct->host, r < 0 ? gnutls_strerror(r) : "none found", fp);
		goto out;
	}
	{
		gnutls_typed_vdata_st data[2] = {
			{ .type = GNUTLS_DT_DNS_HOSTNAME, .data = (unsigned char *)acct->host },
			{ .type = GNUTLS_DT_KEY_PURPOSE_OID,
			  .data = (unsigned char *)GNUTLS_KP_TLS_WWW_SERVER },
		};

		r = gnutls_x509_trust_list_verify_crt2(trust, certs, n, data, 2, 0, &verify, NULL);
	}
	if (r < 0) {
		rc = vt_fail(err, VT_ERR_TLS, "%s: certificate verification failed: %s", acct->host,
			     gnutls_strerror(r));
		goto out;
	}
	if (verify != 0) {
		const char *why = "not trusted";

		size_t len;

		if (gnutls_certificate_verification_status_print(verify, GNUTLS_CRT_X509, &reason,
								 0) == 0 &&
		    reason.data)
			why = (const char *)reason.data;
		/* GnuTLS's sentences end in ". " already */
		len = strlen(why);
		while (len > 0 && (why[len - 1] == ' ' || why[len - 1] == '.'))
			len--;
		rc = vt_fail(err, VT_ERR_TLS,
			     "%s: the server's certificate is refused: %.*s. If you know this "
			     "certificate is the server's, pin it in %s [account %s]: "
			     "cert_fingerprint = %s",
			     acct->host, (int)len, why, acct->file, acct->name, fp);
	}
out:
	if (reason.data)
		gnutls_free(reason.data);
	if (trust)
		gnutls_x509_trust_list_deinit(trust, 1);
	for (unsigned i = 0; i < n; i++)
		gnutls_x509_crt_deinit(certs[i]);
	free(certs);
	if (chain)
		mailstream_certificate_chain_free(chain);
	return rc;
}
