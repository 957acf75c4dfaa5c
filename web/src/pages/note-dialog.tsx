import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from '../api';
import { t } from '../i18n';
import { ErrorLine } from './error-line';

/** A modal that asks for a note (Escape cancels); an error from `onSubmit` stays on it. */
export function NoteDialog(props: { title: string; label: string; onSubmit: (note: string) => Promise<void>; onCancel: () => void; optional?: boolean }) {
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  return (
    <dialog ref={ref} aria-labelledby="note-title" onCancel={(e) => (e.preventDefault(), props.onCancel())}>
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          props.onSubmit(note.trim()).catch((err: unknown) => setError(errorText(err)));
        }}
      >
        <h2 id="note-title">{props.title}</h2>
        <label for="note">{props.label}</label>
        <textarea id="note" rows={3} required={!props.optional} value={note} onInput={(e) => setNote(e.currentTarget.value)} autofocus />
        <ErrorLine error={error} />
        <div class="buttons">
          <button type="button" onClick={props.onCancel}>
            {t().cancel}
          </button>
          <button type="submit">{t().send}</button>
        </div>
      </form>
    </dialog>
  );
}
