import { screen, within } from '@testing-library/react';

/**
 * Asserts that each text is shown, in `container` or the whole screen. A
 * missing one fails on its own: getByText names the text it could not find.
 */
export function expectTexts(
  texts: ReadonlyArray<string | RegExp>,
  container?: HTMLElement,
) {
  const scope = container ? within(container) : screen;
  for (const text of texts) {
    expect(scope.getByText(text)).toBeInTheDocument();
  }
}
