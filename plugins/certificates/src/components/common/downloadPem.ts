/**
 * Saves PEM text the page has fetched as a file: fetched through the API
 * client, so it carries the user's credentials, which a plain link to the
 * backend would not.
 */
export function downloadPem(fileName: string, text: string) {
  const url = URL.createObjectURL(
    new Blob([text], { type: 'application/x-pem-file' }),
  );
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  URL.revokeObjectURL(url);
}
