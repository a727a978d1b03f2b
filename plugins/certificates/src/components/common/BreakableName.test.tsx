import { render } from '@testing-library/react';
import { BreakableName } from './BreakableName';

describe('BreakableName', () => {
  it('offers a line break after each dot, colon and slash, keeping the text', () => {
    const { container } = render(
      <span data-testid="name">
        <BreakableName text="component:default/api.payments.example.com" />
      </span>,
    );
    const span = container.querySelector('span')!;
    expect(span.textContent).toBe('component:default/api.payments.example.com');
    expect(span.querySelectorAll('wbr')).toHaveLength(5);
  });

  it('renders markup in the text as text', () => {
    const { container } = render(
      <BreakableName text="<img src=x onerror=alert(1)>.example.com" />,
    );
    expect(container.querySelector('img')).toBeNull();
    expect(container.textContent).toBe(
      '<img src=x onerror=alert(1)>.example.com',
    );
  });

  it('keeps a piece with a hyphen whole, so a hyphen is no place to break', () => {
    const { container } = render(
      <BreakableName
        text="group:default/team-payments, user:default/bo"
        wholeWords
      />,
    );
    const pieces = Array.from(container.querySelectorAll('span')).map(
      s => s.textContent,
    );
    expect(pieces).toEqual(['team-payments, ']);
    container
      .querySelectorAll('span')
      .forEach(s => expect(s).toHaveStyle({ whiteSpace: 'nowrap' }));
    expect(container.textContent).toBe(
      'group:default/team-payments, user:default/bo',
    );
  });

  it('leaves a name without separators alone', () => {
    const { container } = render(<BreakableName text="localhost" />);
    expect(container.innerHTML).toBe('localhost');
  });
});
