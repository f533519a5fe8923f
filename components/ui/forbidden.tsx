export function Forbidden({ message }: { message: string }) {
  return (
    <div className="card" role="alert" data-testid="forbidden">
      <h1>Not allowed</h1>
      <p className="error">{message}</p>
    </div>
  );
}
