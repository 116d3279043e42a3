import { Component, type ReactNode } from 'react';
import { useText } from '../app-context';

/**
 * Shows what a part of the console threw where that part would be, so one failing card or page
 * never unmounts the rest (React removes the whole tree on an error no boundary catches, and
 * logs the ones a boundary catches itself).
 */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | undefined }> {
  override state: { error: Error | undefined } = { error: undefined };

  static getDerivedStateFromError(error: unknown): { error: Error } {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override render(): ReactNode {
    return this.state.error ? <Broken error={this.state.error} /> : this.props.children;
  }
}

function Broken({ error }: { error: Error }) {
  const { t } = useText();
  return (
    <p className="error" role="alert" data-state="broken">
      {t('common.broken')}: {error.message}
    </p>
  );
}
